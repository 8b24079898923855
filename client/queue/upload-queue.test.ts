import { describe, expect, it } from "vitest";
import { MIB } from "@/lib/units";
import { itemPercent } from "./upload-progress";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { summarize } from "./queue-summary";
import { countActive, hasPendingWork, selectItem, selectStartable, selectWaiting } from "./queue-select";
import {
  clampConcurrency,
  DEFAULT_CONCURRENCY,
  initialQueueState,
  MAX_CONCURRENCY,
  queueStateOf,
  uploadQueueReducer as reduce,
  type QueueAction,
  type QueueItem,
  type QueueState,
  type UploadStatus,
} from "./upload-queue";

const MAX_BYTES = 10 * MIB;
const rules = { allowedTypes: ["image/png", "video/*"], maxBytes: MAX_BYTES };

function item(key: string, status: UploadStatus, size = 1_000): QueueItem {
  return { key, name: `${key}.png`, size, type: "image/png", status, fileItemId: null, resumable: false, loaded: 0, speed: null, retries: 0, error: null, file: null };
}

function queue(...statuses: UploadStatus[]): QueueState {
  return queueStateOf(statuses.map((status, i) => item(`f${i}`, status)));
}

function fileItemJson(size: number): FileItemJson {
  const now = new Date(0).toISOString();
  return { id: "srv-1", name: "a.png", path: null, size, type: "image/png", status: "uploaded", createdAt: now, uploadedAt: now, checksum: null, previewUrl: null, previewWanted: false };
}

const run = (state: QueueState, ...actions: QueueAction[]) => actions.reduce(reduce, state);
const only = (state: QueueState) => state.items[0]!;

describe("add", () => {
  it.each([
    ["0 bytes", { name: "empty.png", size: 0, type: "image/png" }, "waiting", null],
    ["exactly maxBytes", { name: "max.png", size: MAX_BYTES, type: "image/png" }, "waiting", null],
    ["maxBytes + 1", { name: "big.png", size: MAX_BYTES + 1, type: "image/png" }, "rejected", "too_large"],
    ["a pattern match", { name: "clip.mp4", size: 1, type: "video/mp4" }, "waiting", null],
    ["a type not allowed", { name: "notes.html", size: 10, type: "text/html" }, "rejected", "unsupported_type"],
    ["no type at all", { name: "mystery", size: 10, type: "" }, "rejected", "unsupported_type"],
    ["an extension that lies", { name: "evil.html", size: 10, type: "image/png" }, "rejected", "unsupported_type"],
    ["a blank name", { name: "  ", size: 10, type: "image/png" }, "rejected", "bad_request"],
  ])("%s → %s", (_, file, status, code) => {
    const state = reduce(initialQueueState, { type: "add", files: [{ key: "k", ...file }], rules });
    expect(only(state)).toMatchObject({ key: "k", status, loaded: 0, fileItemId: null });
    expect(only(state).error?.code ?? null).toBe(code);
  });

  it("appends in the order given, after what is already queued", () => {
    const files = ["a", "b"].map((key) => ({ key, name: `${key}.png`, size: 1, type: "image/png" }));
    const state = reduce(queue("done"), { type: "add", files, rules });
    expect(state.items.map((i) => i.key)).toEqual(["f0", "a", "b"]);
  });
});

describe("selectStartable", () => {
  it.each([
    [[], 3, []],
    [["waiting", "waiting", "waiting", "waiting", "waiting"], 3, ["f0", "f1", "f2"]],
    [["waiting", "waiting"], 3, ["f0", "f1"]],
    [["uploading", "uploading", "waiting", "waiting"], 3, ["f2"]],
    [["uploading", "verifying", "waiting"], 2, ["f2"]],
    [["uploading", "paused", "waiting"], 2, ["f2"]],
    [["uploading", "uploading", "uploading", "waiting"], 2, []],
    [["done", "failed", "cancelled", "rejected", "waiting"], 1, ["f4"]],
    [["waiting", "uploading", "waiting"], 1, []],
    [["waiting", "uploading", "waiting"], 3, ["f0", "f2"]],
  ] as [UploadStatus[], number, string[]][])("%j with concurrency %i → %j", (statuses, concurrency, expected) => {
    expect(selectStartable(queue(...statuses), concurrency).map((i) => i.key)).toEqual(expected);
  });

  it("never lets more than the limit be active while a queue drains", () => {
    let state = queue(...Array<UploadStatus>(7).fill("waiting"));
    let maxActive = 0;
    for (let step = 0; step < 50 && hasPendingWork(state); step++) {
      for (const next of selectStartable(state, 2)) state = reduce(state, { type: "start", key: next.key, at: step });
      maxActive = Math.max(maxActive, countActive(state));
      const first = state.items.find((i) => i.status === "uploading");
      if (first) state = run(state, { type: "verifying", key: first.key }, { type: "done", key: first.key, file: fileItemJson(1_000) });
    }
    expect(maxActive).toBe(2);
    expect(state.items.every((i) => i.status === "done")).toBe(true);
  });
});

describe("selectWaiting", () => {
  it.each([
    [[], 3, []],
    [["waiting", "uploading", "done", "waiting", "paused", "waiting", "waiting"], 3, ["f0", "f3", "f5"]],
    [["waiting", "uploading", "waiting"], 0, []],
    [["failed", "cancelled", "waiting"], 10, ["f2"]],
  ] as [UploadStatus[], number, string[]][])("%j, at most %i → %j", (statuses, limit, expected) => {
    expect(selectWaiting(queue(...statuses), limit).map((i) => i.key)).toEqual(expected);
  });
});

describe("an upload's life", () => {
  it("goes waiting → uploading → verifying → done, tracking bytes and speed", () => {
    let state = queue("waiting");
    state = run(state, { type: "start", key: "f0", at: 0 }, { type: "created", key: "f0", fileItemId: "srv-1" });
    expect(only(state)).toMatchObject({ status: "uploading", fileItemId: "srv-1", loaded: 0 });
    state = reduce(state, { type: "progress", key: "f0", loaded: 250, at: 1_000 });
    expect(only(state)).toMatchObject({ loaded: 250, speed: { bytesPerSecond: 250 } });
    expect(itemPercent(only(state))).toBe(25);
    state = run(state, { type: "verifying", key: "f0" });
    expect(only(state)).toMatchObject({ status: "verifying", loaded: 1_000, speed: null });
    state = reduce(state, { type: "done", key: "f0", file: fileItemJson(1_000) });
    expect(only(state)).toMatchObject({ status: "done", file: { id: "srv-1" } });
    expect(itemPercent(only(state))).toBe(100);
  });

  it.each([
    ["past the size", 1_500, 1_000],
    ["exactly the size", 1_000, 1_000],
    ["going backwards", 100, 400],
    ["negative", -1, 400],
  ])("clamps a progress report %s", (_, loaded, expected) => {
    const state = run(queue("waiting"), { type: "start", key: "f0", at: 0 }, { type: "progress", key: "f0", loaded: 400, at: 1 });
    expect(only(reduce(state, { type: "progress", key: "f0", loaded, at: 2 })).loaded).toBe(expected);
  });

  it("records why it failed, and retry puts it back in line with a clean slate", () => {
    let state = run(queue("waiting"), { type: "start", key: "f0", at: 0 }, { type: "created", key: "f0", fileItemId: "srv-1" });
    state = run(state, { type: "progress", key: "f0", loaded: 500, at: 10 }, { type: "failed", key: "f0", code: "storage_refused", message: "no" });
    expect(only(state)).toMatchObject({ status: "failed", error: { code: "storage_refused", message: "no" }, loaded: 500 });
    state = reduce(state, { type: "retry", key: "f0" });
    expect(only(state)).toMatchObject({ status: "waiting", error: null, loaded: 0, fileItemId: null });
  });

  it.each([["waiting"], ["uploading"]] as [UploadStatus][])("cancels a %s upload", (status) => {
    expect(only(reduce(queue(status), { type: "cancel", key: "f0" })).status).toBe("cancelled");
  });
});

describe("late or misplaced events change nothing", () => {
  it.each([
    ["progress after cancel", "cancelled", { type: "progress", key: "f0", loaded: 10, at: 1 }],
    ["created after cancel", "cancelled", { type: "created", key: "f0", fileItemId: "x" }],
    ["verifying after cancel", "cancelled", { type: "verifying", key: "f0" }],
    ["failed after cancel", "cancelled", { type: "failed", key: "f0", code: "network_error", message: "aborted" }],
    ["done before verifying", "uploading", { type: "done", key: "f0", file: fileItemJson(1) }],
    ["start of a rejected file", "rejected", { type: "start", key: "f0", at: 0 }],
    ["start of a running file", "uploading", { type: "start", key: "f0", at: 0 }],
    ["cancel while verifying", "verifying", { type: "cancel", key: "f0" }],
    ["cancel when done", "done", { type: "cancel", key: "f0" }],
    ["retry of a done file", "done", { type: "retry", key: "f0" }],
    ["retry of a cancelled file", "cancelled", { type: "retry", key: "f0" }],
    ["an unknown key", "waiting", { type: "start", key: "nope", at: 0 }],
  ] as [string, UploadStatus, QueueAction][])("%s", (_, status, action) => {
    const state = queue(status);
    expect(reduce(state, action)).toBe(state);
  });
});

describe("clear", () => {
  it("drops finished rows and keeps the rest", () => {
    const state = reduce(queue("done", "waiting", "cancelled", "uploading", "rejected", "failed", "verifying"), { type: "clear" });
    expect(state.items.map((i) => i.status)).toEqual(["waiting", "uploading", "failed", "verifying"]);
  });
});

describe("hasPendingWork", () => {
  it.each([
    [["done", "failed", "cancelled", "rejected"], false],
    [["done", "waiting"], true],
    [["uploading"], true],
    [["verifying"], true],
  ] as [UploadStatus[], boolean][])("%j → %s", (statuses, expected) => {
    expect(hasPendingWork(queue(...statuses))).toBe(expected);
  });
});

describe("clampConcurrency", () => {
  it.each([
    [0, 1],
    [-3, 1],
    [1, 1],
    [2.9, 2],
    [MAX_CONCURRENCY, MAX_CONCURRENCY],
    [MAX_CONCURRENCY + 1, MAX_CONCURRENCY],
    [Number.NaN, DEFAULT_CONCURRENCY],
    [Number.POSITIVE_INFINITY, DEFAULT_CONCURRENCY],
  ])("%d → %d", (value, expected) => {
    expect(clampConcurrency(value)).toBe(expected);
  });
});

describe("pause and resume (multipart uploads)", () => {
  const started = (resumable: boolean) =>
    run(
      queueStateOf([item("a", "waiting", 100 * MIB)]),
      { type: "start", key: "a", at: 0 },
      { type: "created", key: "a", fileItemId: "srv-a", resumable, loaded: 16 * MIB },
    );

  it("pauses and resumes a resumable upload, keeping its bytes; a paused row counts as pending work", () => {
    let s = run(started(true), { type: "pause", key: "a" });
    expect(only(s)).toMatchObject({ status: "paused", loaded: 16 * MIB });
    expect(hasPendingWork(s)).toBe(true);
    expect(countActive(s)).toBe(0);
    s = run(s, { type: "resume", key: "a", at: 10 });
    expect(only(s).status).toBe("uploading");
  });

  it("does not pause a single-POST upload", () => {
    const s = started(false);
    expect(run(s, { type: "pause", key: "a" })).toBe(s);
  });

  it("retry of a failed multipart upload keeps the file item id and stored bytes", () => {
    const s = run(started(true), { type: "failed", key: "a", code: "part_failed", message: "x" }, { type: "retry", key: "a" });
    expect(only(s)).toMatchObject({ status: "waiting", fileItemId: "srv-a", loaded: 16 * MIB });
    const post = run(started(false), { type: "failed", key: "a", code: "internal", message: "x" }, { type: "retry", key: "a" });
    expect(only(post)).toMatchObject({ status: "waiting", fileItemId: null, loaded: 0 });
  });

  it("cancel works from paused", () => {
    expect(only(run(started(true), { type: "pause", key: "a" }, { type: "cancel", key: "a" })).status).toBe("cancelled");
  });
});

/** Small deterministic PRNG (mulberry32), so a failing sequence can be replayed. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomAction(state: QueueState, random: () => number, step: number): QueueAction {
  // Mostly rows that exist, sometimes a key that does not.
  const key = state.items[Math.floor(random() * (state.items.length + 1))]?.key ?? "nope";
  const pick = Math.floor(random() * 14);
  switch (pick) {
    case 0:
      return { type: "add", files: [{ key: `k${step}`, name: random() < 0.2 ? "x.html" : "x.png", size: 1_000, type: "image/png" }], rules };
    case 1:
      return { type: "start", key, at: step };
    case 2:
      return { type: "created", key, fileItemId: "s", resumable: random() < 0.3, loaded: 100 };
    case 3:
      return { type: "progress", key, loaded: Math.floor(random() * 1_200), at: step };
    case 4:
      return { type: "retrying", key, at: step };
    case 5:
      return { type: "verifying", key };
    case 6:
      return { type: "done", key, file: fileItemJson(1_000) };
    case 7:
      return { type: "failed", key, code: "network_error", message: "x" };
    case 8:
      return { type: "cancel", key };
    case 9:
      return { type: "pause", key };
    case 10:
      return { type: "resume", key, at: step };
    case 11:
      return { type: "retry", key };
    case 12:
      return random() < 0.1 ? { type: "clear" } : { type: "start", key: state.items[state.firstWaiting]?.key ?? key, at: step };
    default:
      return { type: "progress", key, loaded: 1_000, at: step };
  }
}

// B2 (1,000 small files): every action used to findIndex the row and every read scanned the
// queue, so the page's work per progress event grew with the queue. The reducer now keeps a
// position map, running totals and the first waiting position; these must always agree with
// what a full scan would say.
describe("running totals agree with a full scan", () => {
  it.each([1, 2, 3, 4, 5])("after 2,000 random actions (seed %i)", (seed) => {
    const random = seeded(seed);
    let state = initialQueueState;
    for (let step = 0; step < 2_000; step++) {
      state = reduce(state, randomAction(state, random, step));
      expect(state.summary).toEqual(summarize(state.items));
      const firstWaiting = state.items.findIndex((i) => i.status === "waiting");
      expect(state.firstWaiting).toBe(firstWaiting === -1 ? state.items.length : firstWaiting);
      state.items.forEach((i, index) => expect(state.positions.get(i.key)).toBe(index));
      expect(state.positions.size).toBe(state.items.length);
    }
  });

  it("a retried row starts before later waiting rows, and the scheduler moves on past it", () => {
    let state = run(queue("waiting", "waiting", "waiting"), { type: "start", key: "f0", at: 0 }, { type: "failed", key: "f0", code: "internal", message: "x" });
    expect(state.firstWaiting).toBe(1);
    state = reduce(state, { type: "retry", key: "f0" });
    expect(selectStartable(state, 2).map((i) => i.key)).toEqual(["f0", "f1"]);
    state = reduce(state, { type: "start", key: "f0", at: 1 });
    expect(state.firstWaiting).toBe(1);
    expect(selectStartable(state, 3).map((i) => i.key)).toEqual(["f1", "f2"]);
  });

  it("finds a row by key, and nothing for an unknown key", () => {
    const state = queue("waiting", "done");
    expect(selectItem(state, "f1")?.status).toBe("done");
    expect(selectItem(state, "nope")).toBeUndefined();
  });

  it("keeps the same row object for rows an action did not touch, so unchanged rows need no re-render", () => {
    const before = queue("uploading", "uploading");
    const after = reduce(before, { type: "progress", key: "f1", loaded: 10, at: 1 });
    expect(after.items[0]).toBe(before.items[0]);
    expect(after.items[1]).not.toBe(before.items[1]);
  });
});

describe("retrying (an automatic re-send of a single POST)", () => {
  it("keeps the row uploading, counts the bytes again from zero and counts the re-send", () => {
    let state = run(queue("waiting"), { type: "start", key: "f0", at: 0 }, { type: "progress", key: "f0", loaded: 600, at: 5 });
    state = reduce(state, { type: "retrying", key: "f0", at: 10 });
    expect(only(state)).toMatchObject({ status: "uploading", loaded: 0, retries: 1 });
    expect(state.summary.loaded).toBe(0);
    state = run(state, { type: "failed", key: "f0", code: "internal", message: "x" }, { type: "retry", key: "f0" }, { type: "start", key: "f0", at: 20 });
    expect(only(state).retries).toBe(0);
  });

  it.each([["waiting"], ["verifying"], ["done"], ["cancelled"]] as [UploadStatus][])("is ignored when %s", (status) => {
    const state = queue(status);
    expect(reduce(state, { type: "retrying", key: "f0", at: 1 })).toBe(state);
  });
});
