import { describe, expect, it, vi } from "vitest";
import { withFakeTimers } from "@/testing/fakes/fake-timers";
import { RENDER_INTERVAL_MS, RenderThrottle } from "./render-throttle";

/** What React is told: the value as of the last tick, once per RENDER_INTERVAL_MS however often it changes. */
withFakeTimers();

describe("RenderThrottle", () => {
  it("the first change after a quiet spell is heard at once, with the latest value", async () => {
    let value = 0;
    const throttle = new RenderThrottle(() => value);
    const heard = vi.fn();
    throttle.subscribe(heard);
    value = 1;
    throttle.changed();
    value = 2;
    throttle.changed();
    expect(throttle.getSnapshot()).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(heard).toHaveBeenCalledTimes(1);
    expect(throttle.getSnapshot()).toBe(2);
  });

  it("a thousand changes within an interval make one notice at its end", async () => {
    let value = 0;
    const throttle = new RenderThrottle(() => value);
    const heard = vi.fn();
    throttle.subscribe(heard);
    throttle.changed();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 1_000; i++) {
      value = i;
      throttle.changed();
    }
    await vi.advanceTimersByTimeAsync(RENDER_INTERVAL_MS - 1);
    expect(heard).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(heard).toHaveBeenCalledTimes(2);
    expect(throttle.getSnapshot()).toBe(999);
  });

  it("an unsubscribed listener hears nothing more", async () => {
    const throttle = new RenderThrottle(() => 1);
    const heard = vi.fn();
    const unsubscribe = throttle.subscribe(heard);
    unsubscribe();
    throttle.changed();
    await vi.advanceTimersByTimeAsync(RENDER_INTERVAL_MS);
    expect(heard).not.toHaveBeenCalled();
  });
});
