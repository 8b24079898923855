import { describe, expect, it } from "vitest";
import { GIB } from "@/lib/units";
import { formatDuration, itemPercent, nextSpeed, percentOf, secondsLeft, selectTotals, SPEED_HALF_LIFE_MS, startSpeed } from "./upload-progress";
import { queueStateOf, type QueueItem, type UploadStatus } from "./upload-queue";

function item(key: string, status: UploadStatus, size: number, loaded = 0): QueueItem {
  return { key, name: `${key}.png`, size, type: "image/png", status, fileItemId: null, resumable: false, loaded, speed: null, retries: 0, error: null, file: null };
}

describe("nextSpeed", () => {
  it("takes the first interval's rate as it is", () => {
    expect(nextSpeed(startSpeed(1_000), 500, 1_500)).toEqual({ bytesPerSecond: 1_000, lastLoaded: 500, lastAt: 1_500 });
  });

  it("closes half the gap to a new rate after one half-life", () => {
    const prev = { bytesPerSecond: 100, lastLoaded: 0, lastAt: 0 };
    expect(nextSpeed(prev, 600, SPEED_HALF_LIFE_MS).bytesPerSecond).toBeCloseTo(200, 9);
  });

  it("weighs a short interval lightly, so one burst barely moves the speed", () => {
    const prev = { bytesPerSecond: 100, lastLoaded: 0, lastAt: 0 };
    const after = nextSpeed(prev, 100, 10).bytesPerSecond ?? 0;
    expect(after).toBeGreaterThan(100);
    expect(after).toBeLessThan(200);
  });

  it.each([
    ["no time passed", 0],
    ["the clock went back", -5],
  ])("ignores a sample when %s", (_, at) => {
    const prev = { bytesPerSecond: 100, lastLoaded: 10, lastAt: 0 };
    expect(nextSpeed(prev, 50, at)).toBe(prev);
  });

  it("reads a byte count going back as zero speed, not negative", () => {
    expect(nextSpeed({ bytesPerSecond: null, lastLoaded: 100, lastAt: 0 }, 50, 1_000).bytesPerSecond).toBe(0);
  });
});

describe("secondsLeft", () => {
  it.each([
    [0, 100, 0],
    [-1, null, 0],
    [1_000, null, null],
    [1_000, 0, null],
    [1_000, 1_000, 1],
    [1_001, 1_000, 2],
    [1_000, 300, 4],
  ])("%i bytes at %s B/s → %s s", (remaining, speed, expected) => {
    expect(secondsLeft(remaining, speed)).toBe(expected);
  });
});

describe("percentOf", () => {
  it.each([
    [0, 0, 0],
    [0, 1, 0],
    [1, 3, 33],
    [999, 1_000, 99],
    [1_000, 1_000, 100],
    [1_001, 1_000, 100],
    [-1, 1_000, 0],
    [5 * GIB - 1, 5 * GIB, 99],
  ])("%i of %i is %i%", (loaded, total, expected) => {
    expect(percentOf(loaded, total)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [0.2, "1 s"],
    [59, "59 s"],
    [60, "1 min 0 s"],
    [3_599, "59 min 59 s"],
    [3_600, "1 h 0 min"],
    [90_061, "25 h 1 min"],
  ])("%d seconds → %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe("selectTotals", () => {
  it("counts only files meant to arrive", () => {
    const state = queueStateOf([
      item("a", "done", 1_000, 1_000),
      item("b", "uploading", 3_000, 1_000),
      item("c", "rejected", 50_000),
      item("d", "cancelled", 9_000, 4_000),
    ]);
    expect(selectTotals(state)).toEqual({ done: 1, total: 2, loaded: 2_000, size: 4_000, percent: 50 });
  });

  it.each([
    ["an empty queue", [], 0],
    ["only 0-byte files, all done", [item("a", "done", 0)], 100],
    ["a 0-byte file still waiting", [item("a", "waiting", 0)], 0],
  ])("%s is %i%", (_, items, percent) => {
    expect(selectTotals(queueStateOf(items)).percent).toBe(percent);
  });
});

describe("itemPercent", () => {
  it.each([
    ["waiting", 1_000, 0, 0],
    ["uploading", 1_000, 250, 25],
    ["uploading", 1_000, 999, 99],
    ["verifying", 0, 0, 100],
    ["done", 0, 0, 100],
    ["failed", 1_000, 500, 50],
  ] as [UploadStatus, number, number, number][])("%s, %i bytes, %i sent → %i%", (status, size, loaded, expected) => {
    expect(itemPercent(item("a", status, size, loaded))).toBe(expected);
  });
});
