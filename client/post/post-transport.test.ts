import { describe, expect, it } from "vitest";
import { PROGRESS_MIN_BYTES, reportsProgress } from "./post-transport";
import { MIB } from "@/lib/units";

describe("reportsProgress", () => {
  it.each([
    [0, false],
    [64 * 1024, false],
    [PROGRESS_MIN_BYTES - 1, false],
    [PROGRESS_MIN_BYTES, true],
    [5 * MIB, true],
  ])("%i bytes → %s", (size, expected) => {
    expect(reportsProgress(size)).toBe(expected);
  });
});
