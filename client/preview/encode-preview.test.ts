import { afterEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { fakeOffscreenCanvas } from "@/testing/fakes/fake-offscreen-canvas";
import { encodePreview, isOpaqueSource, PREVIEW_QUALITIES } from "./encode-preview";

/**
 * Which type a preview is encoded as follows its source (a JPEG or a video frame: JPEG alone, 5 ms
 * less CPU each; anything that may have alpha: WebP first, JPEG over white where WebP is missing).
 * The canvas is a fake (Node has none) that records every encode asked of it.
 */
function canvasOn(options?: Parameters<typeof fakeOffscreenCanvas>[0]) {
  const fake = fakeOffscreenCanvas(options);
  vi.stubGlobal("OffscreenCanvas", fake.OffscreenCanvas);
  const canvas = new fake.OffscreenCanvas(320, 240);
  canvas.getContext("2d")!.drawImage("the picture");
  return { ...fake, canvas: canvas as unknown as OffscreenCanvas };
}
const asked = (encoded: ReturnType<typeof fakeOffscreenCanvas>["encoded"]) => encoded.map(({ type, quality }) => [type, quality]);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("isOpaqueSource", () => {
  it.each([
    ["image/jpeg", true],
    [" Image/JPEG ", true],
    ["video/mp4", true],
    ["video/quicktime", true],
    ["image/png", false],
    ["image/gif", false],
    ["image/webp", false],
    ["", false],
  ])("%j: %s", (type, opaque) => {
    expect(isOpaqueSource(type)).toBe(opaque);
  });
});

describe("encodePreview: the type follows the source", () => {
  it.each(["image/jpeg", "video/mp4", "video/quicktime"])("a %s source is a JPEG, encoded from the canvas itself (no white copy), WebP never tried", async (sourceType) => {
    const { canvas, made, encoded } = canvasOn();
    const preview = await encodePreview(canvas, sourceType, PREVIEW_MAX_BYTES);
    expect(preview?.type).toBe("image/jpeg");
    expect(asked(encoded)).toEqual([["image/jpeg", PREVIEW_QUALITIES[0]]]);
    expect(encoded[0]!.canvas).toBe(canvas);
    expect(made).toHaveLength(1);
  });

  it.each(["image/png", "image/gif", "image/bmp"])("a %s source (it may have alpha) is a WebP", async (sourceType) => {
    const { canvas, made, encoded } = canvasOn();
    const preview = await encodePreview(canvas, sourceType, PREVIEW_MAX_BYTES);
    expect(preview?.type).toBe("image/webp");
    expect(asked(encoded)).toEqual([["image/webp", PREVIEW_QUALITIES[0]]]);
    expect(made).toHaveLength(1);
  });

  it("a PNG source where the browser cannot encode WebP is a JPEG of a copy drawn over white", async () => {
    const { canvas, made, encoded } = canvasOn({ encodes: ["image/jpeg"] });
    const preview = await encodePreview(canvas, "image/png", PREVIEW_MAX_BYTES);
    expect(preview?.type).toBe("image/jpeg");
    expect(asked(encoded)).toEqual([
      ["image/webp", PREVIEW_QUALITIES[0]],
      ["image/jpeg", PREVIEW_QUALITIES[0]],
    ]);
    const [, white] = made;
    expect(encoded[1]!.canvas).toBe(white);
    expect(white!.drawn).toEqual([
      { op: "fillRect", fillStyle: "#fff" },
      { op: "drawImage", source: canvas },
    ]);
  });
});

describe("encodePreview: PREVIEW_MAX_BYTES", () => {
  it("tries a JPEG source once more at the lower quality when the first is over the limit", async () => {
    const { canvas, encoded } = canvasOn({ sizeOf: (_, quality) => (quality === PREVIEW_QUALITIES[0] ? PREVIEW_MAX_BYTES + 1 : PREVIEW_MAX_BYTES) });
    const preview = await encodePreview(canvas, "image/jpeg", PREVIEW_MAX_BYTES);
    expect(preview).toMatchObject({ type: "image/jpeg", size: PREVIEW_MAX_BYTES });
    expect(asked(encoded)).toEqual(PREVIEW_QUALITIES.map((quality) => ["image/jpeg", quality]));
  });

  it("makes none of a JPEG source over the limit at both qualities (and tries no WebP)", async () => {
    const { canvas, encoded } = canvasOn({ sizeOf: () => PREVIEW_MAX_BYTES + 1 });
    expect(await encodePreview(canvas, "image/jpeg", PREVIEW_MAX_BYTES)).toBeNull();
    expect(asked(encoded)).toEqual(PREVIEW_QUALITIES.map((quality) => ["image/jpeg", quality]));
  });

  it("makes none of a PNG source whose WebP is over the limit at both qualities (not tried again as JPEG)", async () => {
    const { canvas, encoded } = canvasOn({ sizeOf: () => PREVIEW_MAX_BYTES + 1 });
    expect(await encodePreview(canvas, "image/png", PREVIEW_MAX_BYTES)).toBeNull();
    expect(asked(encoded)).toEqual(PREVIEW_QUALITIES.map((quality) => ["image/webp", quality]));
  });

  it("makes none of an empty encode", async () => {
    const { canvas } = canvasOn({ sizeOf: () => 0 });
    expect(await encodePreview(canvas, "image/jpeg", PREVIEW_MAX_BYTES)).toBeNull();
  });
});
