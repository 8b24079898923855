import { describe, expect, it } from "vitest";
import {
  DEFAULT_PART_SIZE_BYTES,
  MAX_MULTIPART_OBJECT_BYTES,
  MAX_PART_SIZE_BYTES,
  MAX_PARTS,
  MIN_PART_SIZE_BYTES,
  partRange,
  partSizeOf,
  planParts,
} from "./part-plan";
import { GIB, MIB, TIB } from "./units";

describe("planParts", () => {
  it.each([
    ["0 B", 0, DEFAULT_PART_SIZE_BYTES, 1],
    ["1 B", 1, DEFAULT_PART_SIZE_BYTES, 1],
    ["5 MiB", 5 * MIB, DEFAULT_PART_SIZE_BYTES, 1],
    ["5 MiB + 1", 5 * MIB + 1, DEFAULT_PART_SIZE_BYTES, 1],
    ["16 MiB + 1", 16 * MIB + 1, DEFAULT_PART_SIZE_BYTES, 2],
    ["50 GiB", 50 * GIB, DEFAULT_PART_SIZE_BYTES, 3200],
    ["156.25 GiB (10,000 default parts)", MAX_PARTS * DEFAULT_PART_SIZE_BYTES, DEFAULT_PART_SIZE_BYTES, MAX_PARTS],
    ["5 TiB", 5 * TIB, 525 * MIB, 9987],
    ["10,000 x 5 GiB", MAX_MULTIPART_OBJECT_BYTES, MAX_PART_SIZE_BYTES, MAX_PARTS],
  ])("%s", (_label, size, partSize, partCount) => {
    const plan = planParts(size);
    expect(plan).toEqual({ partSize, partCount });
    expect(plan!.partSize).toBeGreaterThanOrEqual(MIN_PART_SIZE_BYTES);
    expect(plan!.partSize).toBeLessThanOrEqual(MAX_PART_SIZE_BYTES);
    expect(plan!.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan!.partSize * plan!.partCount).toBeGreaterThanOrEqual(size);
  });

  it.each([
    ["one byte over 10,000 x 5 GiB", MAX_MULTIPART_OBJECT_BYTES + 1],
    ["a negative size", -1],
    ["a fraction", 1.5],
  ])("refuses %s", (_label, size) => {
    expect(planParts(size)).toBeNull();
  });

  it("never goes below S3's 5 MiB minimum, whatever is preferred", () => {
    expect(planParts(100 * MIB, 1 * MIB)).toEqual({ partSize: MIN_PART_SIZE_BYTES, partCount: 20 });
  });
});

describe("partSizeOf / partRange", () => {
  const size = 40 * MIB + 3;
  const plan = planParts(size)!; // 16 MiB parts: 16, 16, 8 MiB + 3

  it("gives full parts and a remainder that add up to the file", () => {
    const sizes = Array.from({ length: plan.partCount }, (_, i) => partSizeOf(plan, size, i + 1));
    expect(sizes).toEqual([16 * MIB, 16 * MIB, 8 * MIB + 3]);
    expect(partRange(plan, size, 3)).toEqual([32 * MIB, size]);
  });

  it.each([0, 4, 1.5])("refuses part %s", (n) => {
    expect(() => partSizeOf(plan, size, n)).toThrow(RangeError);
  });

  it("handles an empty single-part file", () => {
    expect(partSizeOf(planParts(0)!, 0, 1)).toBe(0);
  });
});
