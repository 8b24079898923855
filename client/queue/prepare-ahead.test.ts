import { waitingItem } from "@/testing/fakes/waiting-item";
import { describe, expect, it } from "vitest";
import { MIB } from "@/lib/units";
import { isUsable, PREPARE_MAX_BYTES, PREPARE_WINDOW, PREPARE_WINDOW_BYTES, PREPARED_POLICY_MIN_LIFE_MS, selectToPrepare, upToBytes } from "./prepare-ahead";
import type { QueueItem } from "./upload-queue";

const item = (i: number, size = 64 * 1024): QueueItem => waitingItem(`f${i}`, size);
const items = (count: number, size?: number) => Array.from({ length: count }, (_, i) => item(i, size));
const keys = (list: QueueItem[]) => list.map((i) => i.key);

describe("selectToPrepare", () => {
  it("prepares the first small files up to the batch size when none are ready", () => {
    expect(keys(selectToPrepare(items(100), () => false, 10))).toEqual(keys(items(10)));
  });

  it("never looks past the window", () => {
    expect(selectToPrepare(items(100), () => false, 1000)).toHaveLength(PREPARE_WINDOW);
  });

  it("waits while half the window is ready, and refills the whole window once fewer are", () => {
    const queue = items(100);
    const half = PREPARE_WINDOW / 2;
    const readyUpTo = (n: number) => (key: string) => Number(key.slice(1)) < n;
    expect(selectToPrepare(queue, readyUpTo(half), 100)).toEqual([]);
    const refill = selectToPrepare(queue, readyUpTo(half - 1), 100);
    expect(keys(refill)).toEqual(keys(queue.slice(half - 1, PREPARE_WINDOW)));
  });

  it("prepares the rest of a short queue at once", () => {
    expect(keys(selectToPrepare(items(3), (key) => key === "f0", 100))).toEqual(["f1", "f2"]);
  });

  it("leaves larger files to their own create request", () => {
    const queue = [item(0, 200 * MIB), item(1), item(2, PREPARE_MAX_BYTES + 1), item(3, PREPARE_MAX_BYTES)];
    expect(keys(selectToPrepare(queue, () => false, 10))).toEqual(["f1", "f3"]);
  });

  it("keeps the window's bytes under PREPARE_WINDOW_BYTES, so a slow link starts each file before its policy expires", () => {
    const size = 8 * MIB;
    const fits = Math.floor(PREPARE_WINDOW_BYTES / size);
    expect(selectToPrepare(items(100, size), () => false, 100)).toHaveLength(fits);
    // Half of that window ready: nothing more is asked for yet, so batches stay several files long.
    const ready = (key: string) => Number(key.slice(1)) < fits / 2;
    expect(selectToPrepare(items(100, size), ready, 100)).toEqual([]);
  });

  it("prepares nothing for an empty queue", () => {
    expect(selectToPrepare([], () => false, 10)).toEqual([]);
  });
});

describe("upToBytes", () => {
  const items = (...sizes: number[]) => sizes.map((size, i) => waitingItem(`k${i}`, size));
  it.each([
    ["all that fit", [4, 4, 4], 12, 3],
    ["stops before the file that would pass the bound", [4, 4, 5], 12, 2],
    ["always one, however large", [20, 1], 12, 1],
    ["none of none", [], 12, 0],
  ])("%s", (_label, sizes, maxBytes, count) => {
    expect(upToBytes(items(...sizes), maxBytes)).toHaveLength(count);
  });
});

describe("isUsable", () => {
  const now = 1_000_000;
  const at = (ms: number) => new Date(now + ms).toISOString();
  it.each([
    ["a POST form", { strategy: "post" as const, url: "u", fields: {} }],
    ["a PUT URL", { strategy: "put" as const, url: "u", headers: {} }],
  ])("%s is used while it has PREPARED_POLICY_MIN_LIFE_MS left, not after", (_label, target) => {
    expect(isUsable({ ...target, expiresAt: at(PREPARED_POLICY_MIN_LIFE_MS + 1) }, now)).toBe(true);
    expect(isUsable({ ...target, expiresAt: at(PREPARED_POLICY_MIN_LIFE_MS) }, now)).toBe(false);
  });
});
