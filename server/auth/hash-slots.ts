import "server-only";
import { getEnv } from "@/server/env";

/** What a caller refused a slot is told to wait: a password check takes about a third of a second. */
export const HASH_BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * One count per server process, kept on globalThis: Next.js bundles each route apart, and the
 * sign-in and sign-up routes must draw on the same few slots.
 */
const counter = globalThis as typeof globalThis & { __passwordHashesInFlight?: number };

/**
 * A slot for one password hash or check (scrypt: 128 MiB and ~0.3 s of a core each), or null
 * when AUTH_HASH_CONCURRENCY of them are running in this process already. Never a queue: a
 * caller that gets null answers 503 with Retry-After at once, so a stream of sign-ins or sign-ups
 * with fresh emails (each with a fresh budget of its own) can keep at most that many cores and
 * that much memory busy, and never piles up waiting requests. Call the function returned exactly
 * once, when the hashing is over.
 */
export function takeHashSlot(): (() => void) | null {
  const inFlight = counter.__passwordHashesInFlight ?? 0;
  if (inFlight >= getEnv().AUTH_HASH_CONCURRENCY) return null;
  counter.__passwordHashesInFlight = inFlight + 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    counter.__passwordHashesInFlight = Math.max(0, (counter.__passwordHashesInFlight ?? 1) - 1);
  };
}

/** `work` in a hash slot, or `onBusy()`'s error thrown at once when none is free. */
export async function inHashSlot<T>(work: () => Promise<T>, onBusy: () => Error): Promise<T> {
  const release = takeHashSlot();
  if (!release) throw onBusy();
  try {
    return await work();
  } finally {
    release();
  }
}
