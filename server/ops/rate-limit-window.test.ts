import { describe, expect, it } from "vitest";
import { rateLimitWindow } from "./rate-limit-window";

const T0 = Date.UTC(2026, 10, 25, 13, 0, 0);

describe("rateLimitWindow", () => {
  it.each([
    ["the first millisecond of a window", T0, T0, 60],
    ["mid-window", T0 + 30_000, T0, 30],
    ["a fraction of a second in rounds up", T0 + 30_400, T0, 30],
    ["the last millisecond still waits 1 s", T0 + 59_999, T0, 1],
    ["the next minute is the next window", T0 + 60_000, T0 + 60_000, 60],
  ])("%s", (_label, now, start, retryAfter) => {
    expect(rateLimitWindow(now)).toEqual({ start: new Date(start), retryAfterSeconds: retryAfter });
  });
});
