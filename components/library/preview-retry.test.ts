import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_REFRESH_GAP_MS, PREVIEW_RETRY_DELAYS_MS, PreviewRefresh, previewRetryDelay } from "./preview-retry";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("previewRetryDelay", () => {
  it.each([
    [0, null],
    [1, PREVIEW_RETRY_DELAYS_MS[0]],
    [PREVIEW_RETRY_DELAYS_MS.length, PREVIEW_RETRY_DELAYS_MS.at(-1)],
    [PREVIEW_RETRY_DELAYS_MS.length + 1, null],
  ])("after %i failures: %s", (failures, delay) => {
    expect(previewRetryDelay(failures)).toBe(delay);
  });

  it("tries again within a second of the first failure, and stops within a quarter of a minute", () => {
    expect(PREVIEW_RETRY_DELAYS_MS[0]).toBeLessThanOrEqual(1_000);
    expect(PREVIEW_RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(15_000);
  });
});

describe("PreviewRefresh", () => {
  it("refreshes at once on the first request", () => {
    const refresh = vi.fn();
    new PreviewRefresh(refresh).request();
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("serves every request made during the gap with one refresh at its end", () => {
    const refresh = vi.fn();
    const refreshes = new PreviewRefresh(refresh);
    refreshes.request();
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(100);
      refreshes.request();
    }
    expect(refresh).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(PREVIEW_REFRESH_GAP_MS - 5_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10 * PREVIEW_REFRESH_GAP_MS);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it("regression: a picture failing a few seconds after another still gets a refresh (once a minute, it kept the icon for up to that minute)", () => {
    const refresh = vi.fn();
    const refreshes = new PreviewRefresh(refresh);
    refreshes.request();
    vi.advanceTimersByTime(5_000);
    refreshes.request();
    vi.advanceTimersByTime(PREVIEW_REFRESH_GAP_MS);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it("makes no refresh after the grid is gone", () => {
    const refresh = vi.fn();
    const refreshes = new PreviewRefresh(refresh);
    refreshes.request();
    refreshes.request();
    refreshes.dispose();
    vi.advanceTimersByTime(PREVIEW_REFRESH_GAP_MS);
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
