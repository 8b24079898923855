/**
 * What the page and the scheduler read from the queue. Each answer comes from the running totals
 * or the position map, never a scan of every row, because these run on every change.
 */
import { ACTIVE_STATUSES, nextWaiting, type QueueItem, type QueueState } from "./upload-queue";

export function selectItem(state: QueueState, key: string): QueueItem | undefined {
  const index = state.positions.get(key);
  return index === undefined ? undefined : state.items[index];
}

export function countActive(state: QueueState): number {
  return ACTIVE_STATUSES.reduce((sum, status) => sum + state.summary.counts[status], 0);
}

/** The waiting items that may start now, oldest first, so no more than `concurrency` are active. */
export function selectStartable(state: QueueState, concurrency: number): QueueItem[] {
  return selectWaiting(state, Math.max(0, concurrency - countActive(state)));
}

/** The first `limit` waiting items, in queue order: the ones whose turn comes next. */
export function selectWaiting(state: QueueState, limit: number): QueueItem[] {
  const waiting: QueueItem[] = [];
  for (let i = state.firstWaiting; i < state.items.length && waiting.length < limit; i = nextWaiting(state.items, i + 1)) {
    waiting.push(state.items[i]!);
  }
  return waiting;
}

/** True while leaving the page would lose work. */
export function hasPendingWork(state: QueueState): boolean {
  const { counts } = state.summary;
  return counts.waiting + counts.paused + counts.uploading + counts.verifying > 0;
}

