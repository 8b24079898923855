import { describe, expect, it } from "vitest";
import { PREPARE_MAX_BYTES, PREPARE_WINDOW, PREPARE_WINDOW_BYTES } from "@/client/queue/prepare-ahead";
import { MIB } from "@/lib/units";
import { PREPARE_BATCH_FILES, selectBatch, type PlannedFile } from "./prepare-batches";

const file = (i: number, size = 2_000): PlannedFile => ({ key: String(i), name: `f${i}.png`, size, type: "image/png" });
const files = (count: number, size?: number) => Array.from({ length: count }, (_, i) => file(i, size));
const keys = (list: PlannedFile[]) => list.map((f) => f.key);

/**
 * A whole run, one file's turn after another, with each batch answered before the next turn
 * (the CLI sends one batch at a time and asks again when it returns). Returns the batches sent.
 */
function simulateRun(queue: readonly PlannedFile[]): PlannedFile[][] {
  const prepared = new Set<string>();
  const batches: PlannedFile[][] = [];
  for (let turn = 0; turn <= queue.length; turn++) {
    const batch = selectBatch(queue.slice(turn), (key) => prepared.has(key));
    if (batch.length > 0) batches.push(batch);
    for (const f of batch) prepared.add(f.key);
  }
  return batches;
}

describe("selectBatch", () => {
  it("asks for the first PREPARE_BATCH_FILES small files when none are recorded", () => {
    expect(PREPARE_BATCH_FILES).toBe(24);
    expect(keys(selectBatch(files(100), () => false))).toEqual(keys(files(PREPARE_BATCH_FILES)));
  });

  it("waits while half the window is recorded, then asks for the next ones", () => {
    const queue = files(100);
    const recordedBelow = (n: number) => (key: string) => Number(key) < n;
    expect(selectBatch(queue, recordedBelow(PREPARE_WINDOW / 2))).toEqual([]);
    expect(keys(selectBatch(queue, recordedBelow(PREPARE_WINDOW / 2 - 1)))).toEqual(keys(queue.slice(PREPARE_WINDOW / 2 - 1, PREPARE_WINDOW / 2 - 1 + PREPARE_BATCH_FILES)));
  });

  it.each([
    ["exactly PREPARE_MAX_BYTES is recorded ahead", PREPARE_MAX_BYTES, true],
    ["one byte more creates on its own turn", PREPARE_MAX_BYTES + 1, false],
    ["an empty file is recorded ahead", 0, true],
  ])("%s", (_, size, ahead) => {
    const queue = [file(0), file(1, size), file(2)];
    expect(keys(selectBatch(queue, () => false))).toEqual(ahead ? ["0", "1", "2"] : ["0", "2"]);
  });

  it("keeps the window's bytes under PREPARE_WINDOW_BYTES", () => {
    const size = 4 * MIB;
    expect(selectBatch(files(100, size), () => false)).toHaveLength(Math.min(PREPARE_BATCH_FILES, PREPARE_WINDOW_BYTES / size));
  });

  it("asks for nothing at the end of the run", () => {
    expect(selectBatch([], () => false)).toEqual([]);
  });
});

describe("a run's batch creates", () => {
  it.each([1, 24, 25, 300, 1_000, 10_000])("%i small files: every file recorded once, one request per 24 files", (count) => {
    const batches = simulateRun(files(count));
    const recorded = batches.flat().map((f) => f.key);
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(recorded.sort()).toEqual(keys(files(count)).sort());
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(PREPARE_BATCH_FILES);
    // docs/api.md promises ~420 requests for 10,000 files.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(count / PREPARE_BATCH_FILES) + 1);
  });

  it("leaves big files out of every batch and still records the small ones between them once", () => {
    const queue = Array.from({ length: 500 }, (_, i) => file(i, i % 10 === 0 ? 200 * MIB : 3_000));
    const batches = simulateRun(queue);
    const recorded = batches.flat();
    expect(recorded.every((f) => f.size <= PREPARE_MAX_BYTES)).toBe(true);
    expect(recorded).toHaveLength(450);
    expect(new Set(recorded.map((f) => f.key)).size).toBe(450);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(450 / PREPARE_BATCH_FILES) + 2);
  });
});
