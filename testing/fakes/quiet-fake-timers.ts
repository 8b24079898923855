import { afterEach, beforeEach, vi } from "vitest";

/**
 * For a test file of the preview path: fake timers in each test, and `console.debug` (where a
 * preview that is not made says why) silenced; both restored after each test.
 */
export function withQuietFakeTimers(): void {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, "debug").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
}
