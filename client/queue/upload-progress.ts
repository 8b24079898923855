/**
 * Progress math for the upload queue: a smoothed speed from progress samples, the time left,
 * percentages per file and overall. Pure functions; timestamps are milliseconds from any clock.
 */
import type { QueueItem, QueueState, SpeedSample } from "./queue-types";

/** How quickly the speed follows a change: after one half-life, half of the gap is closed. */
export const SPEED_HALF_LIFE_MS = 2_000;

export function startSpeed(at: number, loaded = 0): SpeedSample {
  return { bytesPerSecond: null, lastLoaded: loaded, lastAt: at };
}

/**
 * Exponentially weighted moving average over irregular intervals: the weight of the new sample
 * grows with the time it covers, so a burst of quick progress events does not jerk the speed.
 */
export function nextSpeed(prev: SpeedSample, loaded: number, at: number): SpeedSample {
  const elapsedMs = at - prev.lastAt;
  if (elapsedMs <= 0) return prev;
  const instant = (Math.max(0, loaded - prev.lastLoaded) * 1000) / elapsedMs;
  const weight = 1 - 2 ** (-elapsedMs / SPEED_HALF_LIFE_MS);
  const bytesPerSecond = prev.bytesPerSecond === null ? instant : prev.bytesPerSecond + weight * (instant - prev.bytesPerSecond);
  return { bytesPerSecond, lastLoaded: loaded, lastAt: at };
}

/** Seconds until `remaining` bytes are sent at this speed; null when the speed is unknown or zero. */
export function secondsLeft(remaining: number, bytesPerSecond: number | null): number | null {
  if (remaining <= 0) return 0;
  if (bytesPerSecond === null || bytesPerSecond <= 0) return null;
  return Math.ceil(remaining / bytesPerSecond);
}

/** Whole percent, rounded down so 100% means every byte; an empty total counts as 0%. */
export function percentOf(loaded: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((loaded * 100) / total)));
}

/** "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function itemPercent(item: QueueItem): number {
  return item.status === "done" || item.status === "verifying" ? 100 : percentOf(item.loaded, item.size);
}

export type QueueTotals = { done: number; total: number; loaded: number; size: number; percent: number };

/** Overall progress over the files meant to arrive: rejected and cancelled rows do not count. */
export function selectTotals({ summary }: QueueState): QueueTotals {
  const { counts, loaded, size } = summary;
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0) - counts.rejected - counts.cancelled;
  const percent = total > 0 && counts.done === total ? 100 : percentOf(loaded, size);
  return { done: counts.done, total, loaded, size, percent };
}
