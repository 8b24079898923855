import { describe, expect, it } from "vitest";
import { LARGE_PHOTO_PIXELS, planMedia, QUICK_SIZES, shownAspect } from "./media-plan";
import { seededRandom } from "../seeded-random";

describe("planMedia", () => {
  const plan = planMedia(200, 3);

  it("is the same folder every time for one seed, and another for another seed", () => {
    expect(planMedia(200, 3)).toEqual(plan);
    expect(planMedia(200, 3, { seed: 1 }).photos.map((p) => p.seed)).not.toEqual(plan.photos.map((p) => p.seed));
  });

  it("holds what a person's photo folder holds: JPEGs and PNGs, a few 12+ MP, some EXIF turns, distinct names", () => {
    const { photos, videos } = plan;
    expect(photos).toHaveLength(200);
    expect(videos).toHaveLength(3);
    expect(photos.filter((p) => p.type === "image/png")).toHaveLength(20);
    expect(photos.filter((p) => p.width * p.height >= LARGE_PHOTO_PIXELS)).toHaveLength(4);
    expect(new Set(photos.filter((p) => p.orientation !== 1).map((p) => p.orientation))).toEqual(new Set([3, 6, 8]));
    expect(photos.filter((p) => p.type === "image/png" && p.orientation !== 1)).toEqual([]);
    expect(photos.some((p) => p.height > p.width)).toBe(true);
    expect(new Set([...photos, ...videos].map((m) => m.name)).size).toBe(203);
    for (const p of photos) expect(p.name.endsWith(p.type === "image/png" ? ".png" : ".jpg")).toBe(true);
    for (const v of videos) expect(v.name.endsWith(".mp4")).toBe(true);
  });

  it("gives every JPEG noise and a quality a camera would use", () => {
    for (const p of plan.photos.filter((photo) => photo.type === "image/jpeg")) {
      expect(p.noise).toBeGreaterThanOrEqual(10);
      expect(p.quality).toBeGreaterThanOrEqual(0.8);
      expect(p.quality).toBeLessThanOrEqual(0.92);
    }
  });
});

describe("planMedia with QUICK_SIZES", () => {
  const { photos, videos } = planMedia(50, 2, { sizes: QUICK_SIZES });

  it("keeps photos small (0.3-2 MP) and still has portraits, quarter turns and a portrait video", () => {
    for (const p of photos) expect(p.width * p.height).toBeGreaterThanOrEqual(300_000);
    for (const p of photos) expect(p.width * p.height).toBeLessThanOrEqual(2_000_000);
    expect(photos.some((p) => p.height > p.width)).toBe(true);
    expect(new Set(photos.filter((p) => p.orientation !== 1).map((p) => p.orientation))).toEqual(new Set([3, 6, 8]));
    expect(videos.map((v) => [v.width, v.height, v.seconds])).toEqual([
      [640, 360, 2],
      [360, 640, 3],
    ]);
  });
});

describe("shownAspect", () => {
  it("is width over height as shown: a quarter turn (5-8) swaps them, 1-4 keep them", () => {
    const photo = { width: 800, height: 600 };
    expect(shownAspect({ ...photo, orientation: 1 })).toBeCloseTo(4 / 3);
    expect(shownAspect({ ...photo, orientation: 3 })).toBeCloseTo(4 / 3);
    expect(shownAspect({ ...photo, orientation: 6 })).toBeCloseTo(3 / 4);
    expect(shownAspect({ ...photo, orientation: 8 })).toBeCloseTo(3 / 4);
    expect(shownAspect({ width: 640, height: 360 })).toBeCloseTo(16 / 9);
  });
});

describe("seededRandom", () => {
  it("repeats for a seed and stays within [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });
});
