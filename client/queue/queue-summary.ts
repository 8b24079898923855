/**
 * Running totals over the upload queue: rows per status, rows that can pause, and bytes. The
 * reducer keeps them up to date by taking a row's old contribution out and putting its new one in,
 * so reading them costs the same with 10 rows or 10,000 (a progress event must not scan the queue).
 */
import type { QueueItem, QueueSummary, UploadStatus } from "./queue-types";

export const emptySummary: QueueSummary = {
  counts: { waiting: 0, uploading: 0, paused: 0, verifying: 0, done: 0, failed: 0, cancelled: 0, rejected: 0 },
  pausable: 0,
  loaded: 0,
  size: 0,
};

/** Rejected and cancelled rows will never arrive, so they count towards no byte total. */
export function countsTowardsTotals(status: UploadStatus): boolean {
  return status !== "rejected" && status !== "cancelled";
}

/** The summary with `item` added (sign 1) or taken out (sign -1). */
export function withItem(summary: QueueSummary, item: QueueItem, sign: 1 | -1): QueueSummary {
  const counted = countsTowardsTotals(item.status) ? sign : 0;
  return {
    counts: { ...summary.counts, [item.status]: summary.counts[item.status] + sign },
    pausable: summary.pausable + (item.resumable && item.status === "uploading" ? sign : 0),
    loaded: summary.loaded + counted * item.loaded,
    size: summary.size + counted * item.size,
  };
}

/** The summary after one row changed from `before` to `after`. */
export function withReplaced(summary: QueueSummary, before: QueueItem, after: QueueItem): QueueSummary {
  return withItem(withItem(summary, before, -1), after, 1);
}

/** From scratch, for a whole list (after `clear`, and in tests to check the running totals). */
export function summarize(items: readonly QueueItem[]): QueueSummary {
  return items.reduce((summary, item) => withItem(summary, item, 1), emptySummary);
}
