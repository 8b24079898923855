/** How many times the sign-in form asks a busy server (503, every password-check slot taken), each after the wait it named. */
export const BUSY_TRIES = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `attempt()` again while `busyWait` reads a busy answer's wait (seconds) from its outcome, up to
 * BUSY_TRIES in all: the server refuses at once rather than queueing, so the page does the waiting.
 * The last outcome is returned as it is, busy or not.
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, busyWait: (outcome: T) => number | null, wait: (ms: number) => Promise<void> = sleep): Promise<T> {
  let outcome = await attempt();
  for (let tries = 1; tries < BUSY_TRIES; tries++) {
    const seconds = busyWait(outcome);
    if (seconds === null) return outcome;
    await wait(seconds * 1000);
    outcome = await attempt();
  }
  return outcome;
}
