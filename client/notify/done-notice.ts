/**
 * What the page says when a batch of uploads ends while the person looks elsewhere: the tab's
 * title (seen in the tab strip) and the text of a system notification. Pure text.
 */
import type { BatchOutcome } from "@/client/queue/batch-tally";

const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;

/** "✓ 12 uploaded, 1 failed · Uploads": the mark first, so it shows in a narrow tab. */
export function doneTitle({ stored, failed }: BatchOutcome, title: string): string {
  const head = stored > 0 || failed === 0 ? `✓ ${stored} uploaded` : `✗ ${failed} failed`;
  const tail = stored > 0 && failed > 0 ? `, ${failed} failed` : "";
  return `${head}${tail} · ${title}`;
}

/** The system notification: "12 files stored, 1 failed." */
export function doneNotification({ stored, failed }: BatchOutcome): { title: string; body: string } {
  const body = failed > 0 ? `${files(stored)} stored, ${failed} failed.` : `${files(stored)} stored.`;
  return { title: failed > 0 ? "Uploads finished with failures" : "Uploads finished", body };
}
