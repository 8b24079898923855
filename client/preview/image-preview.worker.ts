/// <reference lib="webworker" />
// Decodes and shrinks images for previews off the main thread, so a 50-megapixel photo never
// stalls the page. One of a small pool (image-workers.ts), each given one job at a time.
import { encodePreview } from "./encode-preview";
import { UNDECODABLE, type MadePreview } from "./made-preview";

/** `maxBytes` comes from the page (PREVIEW_MAX_BYTES), so the worker's bundle has no zod. */
export type ImagePreviewRequest = { id: number; file: Blob; type: string; width: number; height: number; maxBytes: number };
export type ImagePreviewAnswer = { id: number; preview: MadePreview };
type Job = ImagePreviewRequest;

/**
 * WebCodecs' ImageDecoder with a desired size decodes a JPEG scaled down inside libjpeg (1/2 to
 * 1/8), so a 50-megapixel photo is never held at full size: +6 MiB instead of +255 MiB for
 * createImageBitmap, which in Chromium 156 decodes whole and then resizes. The frame carries the
 * EXIF rotation, which drawImage applies. JPEG only: PNG and GIF have no scaled decode either way,
 * and in Chromium 156 a whole picture decoded by ImageDecoder stays in the tab as shared memory of
 * its decoded size until the worker's collector runs, which its small heap seldom asks for (B2's
 * real media: ~280 MB of screenshots held, the tab at 444 MB against 250 MB with createImageBitmap,
 * whose bitmap close() frees at once).
 */
async function drawDecoded({ file, type, width, height }: Job, canvas: OffscreenCanvas, context: OffscreenCanvasRenderingContext2D): Promise<void> {
  const side = Math.max(width, height);
  const decoder = new ImageDecoder({ data: file.stream(), type, desiredWidth: side, desiredHeight: side });
  try {
    const { image } = await decoder.decode({ frameIndex: 0 });
    try {
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/** Where ImageDecoder is missing: the resize is asked of the decode, which some browsers honour. */
async function drawBitmap({ file, width, height }: Job, context: OffscreenCanvasRenderingContext2D): Promise<void> {
  const bitmap = await createImageBitmap(file, { resizeWidth: width, resizeHeight: height, resizeQuality: "medium" });
  try {
    context.drawImage(bitmap, 0, 0);
  } finally {
    bitmap.close();
  }
}

async function shrink(job: Job): Promise<MadePreview> {
  const canvas = new OffscreenCanvas(job.width, job.height);
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.imageSmoothingQuality = "medium";
  try {
    if (job.type === "image/jpeg" && typeof ImageDecoder === "function" && (await ImageDecoder.isTypeSupported(job.type))) await drawDecoded(job, canvas, context);
    else await drawBitmap(job, context);
  } catch {
    // The decode threw (broken bytes, a codec this browser lacks): the page reports it.
    return UNDECODABLE;
  }
  return encodePreview(canvas, job.type, job.maxBytes);
}

self.onmessage = async (event: MessageEvent<ImagePreviewRequest>) => {
  const request = event.data;
  let preview: MadePreview = null;
  try {
    preview = await shrink(request);
  } catch {
    // The encode failed: no preview this time.
  }
  self.postMessage({ id: request.id, preview } satisfies ImagePreviewAnswer);
};
