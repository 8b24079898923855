import { describe, expect, it } from "vitest";
import { idlePreviewSlots, MAX_IMAGE_WORKERS, previewSlots, yieldsToSmallUploads } from "./preview-slots";

describe("previewSlots", () => {
  it.each([
    [undefined, { image: 1, video: 1 }],
    [0, { image: 1, video: 1 }],
    [1, { image: 1, video: 1 }],
    [2, { image: 1, video: 1 }],
    [3, { image: 2, video: 1 }],
    [4, { image: 3, video: 2 }],
    [8, { image: MAX_IMAGE_WORKERS, video: 2 }],
    [64, { image: MAX_IMAGE_WORKERS, video: 2 }],
    [Number.NaN, { image: 1, video: 1 }],
  ])("%s cores → %o", (cores, slots) => {
    expect(previewSlots(cores)).toEqual(slots);
  });
});

describe("yieldsToSmallUploads", () => {
  it.each([
    [undefined, true],
    [2, true],
    [3, true],
    [4, false],
    [16, false],
    [Number.NaN, true],
  ])("%s cores → %s", (cores, yields) => {
    expect(yieldsToSmallUploads(cores)).toBe(yields);
  });
});

describe("idlePreviewSlots", () => {
  it.each([
    [undefined, { image: 2, video: 1 }],
    [1, { image: 1, video: 1 }],
    [2, { image: 2, video: 1 }],
    [4, { image: 4, video: 2 }],
    [8, { image: MAX_IMAGE_WORKERS, video: 2 }],
  ])("%s cores → %o", (cores, slots) => {
    expect(idlePreviewSlots(cores)).toEqual(slots);
  });
});
