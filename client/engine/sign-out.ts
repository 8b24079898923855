/**
 * Signing out with uploads under way: every row stops at once, and the way out waits until the
 * server has heard what it must (cancels, and files already verifying finishing their check).
 */
import type { QueueItem } from "@/client/queue/upload-queue";

/**
 * With `keepResumable`, rows sending bytes that can pause do (their resume records stay, so
 * picking the file again after signing in resumes it) and paused ones stay paused; every other
 * row is cancelled, which releases its file item.
 */
export function stopEveryRow(items: readonly QueueItem[], rows: { pause: (key: string) => void; cancel: (key: string) => void }, keepResumable: boolean) {
  for (const item of items) {
    if (keepResumable && item.status === "paused") continue;
    if (keepResumable && item.resumable && item.status === "uploading") rows.pause(item.key);
    else rows.cancel(item.key);
  }
}

/** Resolves once nothing `pending` answers is left, asking again after each round (a run may send a release as it ends). */
export async function settleAll(pending: () => Promise<unknown>[]): Promise<void> {
  for (;;) {
    const waits = pending();
    if (waits.length === 0) return;
    await Promise.allSettled(waits);
  }
}
