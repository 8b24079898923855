/**
 * When does a batch of uploads end, and how did it go? A batch starts when the queue gets work
 * (something waiting, uploading, paused or verifying) and ends when none is left; the done notice
 * and the "finished" announcement report its outcome. Pure: the caller feeds it each snapshot.
 */

/** `stored` counts every file the queue ever finished (it never goes down, even when rows are cleared). */
export type TallyInput = { busy: boolean; stored: number; failed: number };
export type BatchOutcome = { stored: number; failed: number };
export type BatchTally = { busy: boolean; storedAtStart: number; failedAtStart: number };

export const IDLE_TALLY: BatchTally = { busy: false, storedAtStart: 0, failedAtStart: 0 };

/**
 * The tally after this snapshot, and the batch's outcome when this snapshot ended it. Failed rows
 * stay listed until retried, so `failed` is compared with the count when the batch began; a row
 * of an earlier batch retried in this one can make it lower, hence the floor at 0.
 */
export function observeBatch(tally: BatchTally, input: TallyInput): { tally: BatchTally; ended: BatchOutcome | null } {
  if (input.busy && !tally.busy) return { tally: { busy: true, storedAtStart: input.stored, failedAtStart: input.failed }, ended: null };
  if (!input.busy && tally.busy) {
    const ended = { stored: input.stored - tally.storedAtStart, failed: Math.max(0, input.failed - tally.failedAtStart) };
    return { tally: { ...IDLE_TALLY }, ended };
  }
  return { tally, ended: null };
}
