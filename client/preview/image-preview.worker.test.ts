import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { fakeOffscreenCanvas } from "@/testing/fakes/fake-offscreen-canvas";
import type { ImagePreviewAnswer, ImagePreviewRequest } from "./image-preview.worker";

/**
 * The image worker's encode follows the job's source type (encode-preview.ts): a JPEG photo's
 * preview is a JPEG, a PNG's (it may have alpha) a WebP. The worker runs here as a module under
 * Node with its globals faked: `self`, OffscreenCanvas, and createImageBitmap (Node has no
 * ImageDecoder, so every image takes the createImageBitmap path). The decode itself needs a
 * browser: e2e/previews.spec.ts.
 */
const answers: ImagePreviewAnswer[] = [];
const worker = { onmessage: null as ((event: MessageEvent<ImagePreviewRequest>) => Promise<void>) | null, postMessage: (answer: ImagePreviewAnswer) => answers.push(answer) };

beforeEach(async () => {
  answers.length = 0;
  vi.stubGlobal("self", worker);
  vi.stubGlobal("OffscreenCanvas", fakeOffscreenCanvas().OffscreenCanvas);
  vi.stubGlobal("createImageBitmap", async () => ({ width: 320, height: 240, close() {} }));
  vi.resetModules();
  await import("./image-preview.worker");
});
afterEach(() => {
  vi.unstubAllGlobals();
});

async function previewOf(type: string): Promise<ImagePreviewAnswer> {
  const request: ImagePreviewRequest = { id: 7, file: new Blob([new Uint8Array(100)], { type }), type, width: 320, height: 240, maxBytes: PREVIEW_MAX_BYTES };
  await worker.onmessage!({ data: request } as MessageEvent<ImagePreviewRequest>);
  expect(answers).toHaveLength(1);
  return answers[0]!;
}

describe("the image preview worker: the encoding follows the source", () => {
  it("answers a JPEG photo's preview as image/jpeg", async () => {
    const { id, preview } = await previewOf("image/jpeg");
    expect(id).toBe(7);
    expect((preview as Blob).type).toBe("image/jpeg");
  });

  it.each(["image/png", "image/gif"])("answers a %s's preview as image/webp", async (type) => {
    expect(((await previewOf(type)).preview as Blob).type).toBe("image/webp");
  });
});
