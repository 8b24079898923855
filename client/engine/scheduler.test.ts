import { describe, expect, it } from "vitest";
import type { QueueAction, QueueItem, QueueState } from "@/client/queue/upload-queue";
import { MIB } from "@/lib/units";
import { Scheduler, type ActiveJob } from "./scheduler";

/**
 * The scheduler alone, with runs the test ends by hand: it starts waiting files in order up to the
 * limit, never more, knows each started file's job until its run ends, and tells its hooks of
 * every transition. It knows no strategy: a run is just a promise.
 */
const rules = { allowedTypes: ["image/png"], maxBytes: 64 * MIB };

function setup(concurrency = 2) {
  const runs = new Map<string, { job: ActiveJob; end: () => void }>();
  const actions: QueueAction["type"][] = [];
  const beforeStart: number[] = [];
  const scheduler: Scheduler = new Scheduler({
    changed: (_state: QueueState, action) => actions.push(action.type),
    beforeStart: (state) => beforeStart.push(state.summary.counts.waiting),
    run: (item: QueueItem, job) =>
      new Promise<void>((resolve) => {
        runs.set(item.key, {
          job,
          end: () => {
            scheduler.dispatch({ type: "verifying", key: item.key });
            resolve();
          },
        });
      }),
  });
  scheduler.setConcurrency(concurrency);
  const add = (...keys: string[]) =>
    scheduler.dispatch({ type: "add", files: keys.map((key) => ({ key, name: `${key}.png`, size: 10, type: "image/png" })), rules });
  const statuses = () => scheduler.state.items.map((item) => item.status);
  return { scheduler, runs, actions, beforeStart, add, statuses };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Scheduler", () => {
  it("starts waiting files in queue order up to the limit, and the next one as a slot frees", async () => {
    const { scheduler, runs, add, statuses } = setup(2);
    add("a", "b", "c", "d");
    expect(statuses()).toEqual(["uploading", "uploading", "waiting", "waiting"]);
    expect([...runs.keys()]).toEqual(["a", "b"]);
    runs.get("b")!.end();
    expect(statuses()).toEqual(["uploading", "verifying", "uploading", "waiting"]);
    scheduler.setConcurrency(3);
    expect(statuses()).toEqual(["uploading", "verifying", "uploading", "uploading"]);
  });

  it("calls beforeStart before it starts anything, so work made ahead covers the files starting now", () => {
    const { add, beforeStart } = setup(2);
    beforeStart.length = 0;
    add("a", "b", "c");
    expect(beforeStart[0]).toBe(3);
  });

  it("keeps each started file's job until its run ends, and only that run's", async () => {
    const { scheduler, runs, add } = setup(1);
    add("a");
    const { job } = runs.get("a")!;
    expect(scheduler.job("a")).toBe(job);
    expect(job.controller.signal.aborted).toBe(false);
    runs.get("a")!.end();
    await tick();
    expect(scheduler.job("a")).toBeUndefined();
    expect(scheduler.unpausedRuns()).toEqual([]);
  });

  it("a dispatch that changes nothing is not heard and answers false", () => {
    const { scheduler, add, actions } = setup(1);
    add("a");
    const heard = actions.length;
    expect(scheduler.dispatch({ type: "resume", key: "a", at: 0 })).toBe(false);
    expect(scheduler.dispatch({ type: "progress", key: "nobody", loaded: 1, at: 0 })).toBe(false);
    expect(actions).toHaveLength(heard);
  });

  it("starts nothing while halted, and catches up afterwards", () => {
    const { scheduler, add, statuses } = setup(1);
    add("a", "b");
    scheduler.halt(() => {
      scheduler.dispatch({ type: "cancel", key: "a" });
      expect(statuses()).toEqual(["cancelled", "waiting"]);
    });
    scheduler.pump();
    expect(statuses()).toEqual(["cancelled", "uploading"]);
  });

  it("a paused file's run is not waited for", () => {
    const { scheduler, add } = setup(2);
    add("a", "b");
    scheduler.dispatch({ type: "created", key: "a", fileItemId: "s", resumable: true });
    scheduler.dispatch({ type: "pause", key: "a" });
    expect(scheduler.unpausedRuns()).toHaveLength(1);
  });
});
