import { afterEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { fakeWorkers } from "@/testing/fakes/fake-preview-workers";
import { blob, gif, jpeg, png, sof } from "@/testing/image-headers";
import { DecodeBudget } from "./decode-budget";
import { makeImagePreview } from "./image-preview";
import { ImageWorkerPool } from "./image-workers";
import { UNDECODABLE } from "./made-preview";
import { FULL_DECODE_MAX_PIXELS, SCALED_DECODE_MAX_PIXELS } from "./preview-size";

/**
 * The checks made before a worker is asked (issue 21): the header read here, then the decode
 * limits, with and without ImageDecoder (Node has none; a stand-in class says "this browser has
 * it", which is all the code asks). The workers are in memory; the budget is the real one.
 */
function decoding() {
  const { started, spawn } = fakeWorkers();
  return { started, budget: new DecodeBudget(), workers: new ImageWorkerPool(1, spawn) };
}
const never = new AbortController().signal;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** A JPEG header of `pixels` pixels, 1000 rows high. */
const jpegOf = (pixels: number) => jpeg(sof(0xc0, pixels / 1000, 1000));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("makeImagePreview: the header check", () => {
  it.each([
    ["PNG bytes sent as a JPEG", png(100, 100), "image/jpeg"],
    ["a JPEG sent as a PNG", jpegOf(1_000_000), "image/png"],
    ["a truncated PNG", blob([0x89, 0x50, 0x4e, 0x47]), "image/png"],
    ["garbage under a JPEG's type", blob(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)), "image/jpeg"],
    ["a GIF of height 0", gif(10, 0), "image/gif"],
  ])("%s is UNDECODABLE, and no worker is started for it", async (_, file, type) => {
    const { started, ...decode } = decoding();
    expect(await makeImagePreview(file, type, never, decode)).toBe(UNDECODABLE);
    expect(started).toHaveLength(0);
  });
});

describe("makeImagePreview: the decode limits", () => {
  it.each([
    ["a PNG past what any browser decodes whole", png(FULL_DECODE_MAX_PIXELS / 1000 + 1, 1000), "image/png", false],
    ["a PNG past it, even with ImageDecoder (PNG is always decoded whole)", png(FULL_DECODE_MAX_PIXELS / 1000 + 1, 1000), "image/png", true],
    // A JPEG side is 16 bits: 60,000 × 1,700 is 102 megapixels.
    ["a JPEG past even a scaled decode", jpeg(sof(0xc0, 60_000, Math.ceil(SCALED_DECODE_MAX_PIXELS / 60_000) + 30)), "image/jpeg", true],
  ])("%s is UNDECODABLE", async (_, file, type, imageDecoder) => {
    if (imageDecoder) vi.stubGlobal("ImageDecoder", class {});
    const { started, ...decode } = decoding();
    expect(await makeImagePreview(file, type, never, decode)).toBe(UNDECODABLE);
    expect(started).toHaveLength(0);
  });

  it("leaves a JPEG only a scaled decode can take to a browser with ImageDecoder: none this time, not UNDECODABLE", async () => {
    const { started, ...decode } = decoding();
    expect(await makeImagePreview(jpegOf(FULL_DECODE_MAX_PIXELS + 1000), "image/jpeg", never, decode)).toBeNull();
    expect(started).toHaveLength(0);
  });

  it("sends that JPEG to a worker where ImageDecoder is, holding its scaled cost of the budget until the worker answers", async () => {
    vi.stubGlobal("ImageDecoder", class {});
    const { started, budget, workers } = decoding();
    const file = jpeg(sof(0xc0, 8000, 6000));
    const made = makeImagePreview(file, "image/jpeg", never, { budget, workers });
    await tick();
    expect(started[0]!.jobs).toEqual([{ id: 0, file, type: "image/jpeg", width: 320, height: 240, maxBytes: PREVIEW_MAX_BYTES }]);
    // 8000 × 6000 decoded at 1/8 a side: 1000 × 750 pixels, 4 bytes each.
    expect(budget.inUse).toBe(1000 * 750 * 4);
    const preview = new Blob(["webp"]);
    started[0]!.answer(preview);
    expect(await made).toBe(preview);
    expect(budget.inUse).toBe(0);
  });

  it("answers the worker's UNDECODABLE (its decode threw) as it came", async () => {
    const { started, ...decode } = decoding();
    const made = makeImagePreview(png(1200, 800), "image/png", never, decode);
    await tick();
    started[0]!.answer(UNDECODABLE);
    expect(await made).toBe(UNDECODABLE);
  });

  it("makes none once cancelled, after the header is read", async () => {
    const controller = new AbortController();
    controller.abort();
    const { started, ...decode } = decoding();
    expect(await makeImagePreview(png(1200, 800), "image/png", controller.signal, decode)).toBeNull();
    expect(started).toHaveLength(0);
  });
});
