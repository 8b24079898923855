import "server-only";
/** Fixed windows of one minute: the limits are "per minute" and one counter row per window is cheap. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

export type RateLimitWindow = {
  /** Start of the window `nowMs` falls in (aligned to the epoch, so every instance agrees). */
  start: Date;
  /** Whole seconds until the window ends, at least 1: the `Retry-After` of a refusal. */
  retryAfterSeconds: number;
};

export function rateLimitWindow(nowMs: number, windowMs = RATE_LIMIT_WINDOW_MS): RateLimitWindow {
  const startMs = Math.floor(nowMs / windowMs) * windowMs;
  return { start: new Date(startMs), retryAfterSeconds: Math.max(1, Math.ceil((startMs + windowMs - nowMs) / 1000)) };
}
