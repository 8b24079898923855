import { afterEach, beforeEach, vi } from "vitest";
import { RETRY_MAX_DELAY_MS } from "@/client/retry-policy";

/** Long enough for any backoff the retry policy can pick. */
export const ANY_BACKOFF_MS = RETRY_MAX_DELAY_MS;

/** Runs what is due now on the fake clock: settled promises' callbacks and timers of 0 ms. */
export const settle = () => vi.advanceTimersByTimeAsync(0);

/** Fake timers in each test of the file; real ones back after each. */
export function withFakeTimers(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
