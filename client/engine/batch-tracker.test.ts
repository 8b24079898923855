import { describe, expect, it } from "vitest";
import { uploadQueueReducer, initialQueueState, type QueueAction, type QueueState } from "@/client/queue/upload-queue";
import { MIB } from "@/lib/units";
import { BatchTracker } from "./batch-tracker";

/** Stored files and ended batches, fed every transition as the engine feeds it. */
const rules = { allowedTypes: ["image/png"], maxBytes: 64 * MIB };
const file = { name: "done.png", path: undefined, size: 1, status: "uploaded" as const, type: "image/png", id: "x", createdAt: "", uploadedAt: "", checksum: null, previewUrl: null, previewWanted: false };

function drive(tracker: BatchTracker, state: QueueState, ...actions: QueueAction[]): QueueState {
  for (const action of actions) {
    state = uploadQueueReducer(state, action);
    tracker.observe(state, action);
  }
  return state;
}
const add = (...keys: string[]): QueueAction => ({ type: "add", files: keys.map((key) => ({ key, name: `${key}.png`, size: 1, type: "image/png" })), rules });
const finish = (key: string): QueueAction[] => [
  { type: "start", key, at: 0 },
  { type: "verifying", key },
  { type: "done", key, file: { ...file, path: null } },
];

describe("BatchTracker", () => {
  it("a batch ends when no work is left, with its stored and failed files counted", () => {
    const tracker = new BatchTracker();
    let state = drive(tracker, initialQueueState, add("a", "b"), ...finish("a"), { type: "start", key: "b", at: 0 });
    expect(tracker.ended.count).toBe(0);
    state = drive(tracker, state, { type: "failed", key: "b", code: "network_error", message: "x" });
    expect(tracker.ended).toEqual({ count: 1, stored: 1, failed: 1 });
    expect(tracker.stored).toBe(1);
    // Later batches count only their own files: the failed row left listed is no new failure, and
    // retried and stored it is one more stored file.
    state = drive(tracker, state, add("c"), ...finish("c"));
    expect(tracker.ended).toEqual({ count: 2, stored: 2, failed: 1 });
    drive(tracker, state, { type: "retry", key: "b" }, ...finish("b"));
    expect(tracker.ended).toEqual({ count: 3, stored: 3, failed: 1 });
    expect(tracker.stored).toBe(3);
  });

  it("stored files are counted even after Clear drops their rows", () => {
    const tracker = new BatchTracker();
    const state = drive(tracker, initialQueueState, add("a"), ...finish("a"), { type: "clear" });
    expect(state.items).toEqual([]);
    expect(tracker.stored).toBe(1);
  });
});
