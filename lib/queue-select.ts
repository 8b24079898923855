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
  const free = Math.max(0, concurrency - countActive(state));
  const startable: QueueItem[] = [];
  for (let i = state.firstWaiting; i < state.items.length && startable.length < free; i = nextWaiting(state.items, i + 1)) {
    startable.push(state.items[i]!);
  }
  return startable;
}

/** True while leaving the page would lose work. */
export function hasPendingWork(state: QueueState): boolean {
  const { counts } = state.summary;
  return counts.waiting + counts.paused + countActive(state) > 0;
}

