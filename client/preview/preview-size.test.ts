import { describe, expect, it } from "vitest";
import { PREVIEW_MAX_SIDE_PX } from "@/lib/contracts/preview-schemas";
import { decodeCostBytes, fitWithin, FULL_DECODE_MAX_PIXELS, isDecodable, SCALED_DECODE_MAX_PIXELS } from "./preview-size";

describe("fitWithin", () => {
  it.each([
    [{ width: 1200, height: 800 }, { width: 320, height: 213 }],
    [{ width: 800, height: 1200 }, { width: 213, height: 320 }],
    [{ width: 8660, height: 5774 }, { width: 320, height: 213 }],
    [{ width: PREVIEW_MAX_SIDE_PX, height: 10 }, { width: PREVIEW_MAX_SIDE_PX, height: 10 }],
    [{ width: 100, height: 50 }, { width: 100, height: 50 }],
    [{ width: 65535, height: 1 }, { width: 320, height: 1 }],
  ])("%o fits in %o", (source, preview) => {
    expect(fitWithin(source)).toEqual(preview);
  });
});

describe("isDecodable", () => {
  const side = (pixels: number) => ({ width: pixels / 1000, height: 1000 });
  it.each([
    ["image/jpeg", SCALED_DECODE_MAX_PIXELS, true, true],
    ["image/jpeg", SCALED_DECODE_MAX_PIXELS + 1000, true, false],
    ["image/jpeg", FULL_DECODE_MAX_PIXELS + 1000, false, false],
    ["image/png", FULL_DECODE_MAX_PIXELS, true, true],
    ["image/png", FULL_DECODE_MAX_PIXELS + 1000, true, false],
    ["image/gif", FULL_DECODE_MAX_PIXELS + 1000, true, false],
  ])("%s of %i pixels (scaled decode: %s) → %s", (type, pixels, scaled, decodable) => {
    expect(isDecodable(type, side(pixels), scaled)).toBe(decodable);
  });
});

describe("decodeCostBytes", () => {
  it.each([
    ["a 50 MP JPEG, scaled to 1/8", "image/jpeg", { width: 8660, height: 5774 }, true, Math.ceil((8660 * 5774 * 4) / 64)],
    ["a 1024 × 768 JPEG, scaled to 1/2 (640 px ≥ 320)", "image/jpeg", { width: 1024, height: 768 }, true, (1024 * 768 * 4) / 4],
    ["a JPEG smaller than a preview, whole", "image/jpeg", { width: 300, height: 200 }, true, 300 * 200 * 4],
    ["a JPEG without ImageDecoder, whole", "image/jpeg", { width: 8660, height: 5774 }, false, 8660 * 5774 * 4],
    ["a PNG, whole", "image/png", { width: 4000, height: 3000 }, true, 4000 * 3000 * 4],
  ])("%s", (_, type, size, scaled, bytes) => {
    expect(decodeCostBytes(type, size, scaled)).toBe(bytes);
  });
});
