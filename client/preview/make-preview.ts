/**
 * The page's preview maker (issues 16 and 21): a small WebP or JPEG of a photo or a video, or
 * null when none can be made (a codec the browser lacks, HEIC, a picture past the decode limits,
 * broken bytes, the time running out). It never throws: no preview is never an upload error.
 * Browser-only; the CLI makes no previews.
 */
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import { DecodeBudget } from "./decode-budget";
import { makeImagePreview } from "./image-preview";
import { ImageWorkerPool } from "./image-workers";
import { fetchStoredImage } from "./stored-file";
import { makeVideoPreview } from "./video-preview";

/** What a preview is made of: a file picked in this tab, or a stored file read back by its view URL. */
export type PreviewSource = { type: string; file: Blob } | { type: string; url: string; size: number };

/** Makes one preview; the PreviewQueue (preview-queue.ts) decides when. Tests pass fakes. */
export type PreviewMaker = (source: PreviewSource, signal: AbortSignal) => Promise<Blob | null>;

/** Videos need a <video> on the main thread; everything else previewable is an image for a worker. */
export function previewKind(type: string): "image" | "video" {
  return type.trim().toLowerCase().startsWith("video/") ? "video" : "image";
}

/** The page's maker, with `imageWorkers` decode workers sharing one decode budget. */
export function createPreviewMaker(imageWorkers: number): PreviewMaker {
  const decoding = { workers: new ImageWorkerPool(imageWorkers), budget: new DecodeBudget() };
  return async (source, signal) => {
    const type = source.type.trim().toLowerCase();
    if (!isPreviewable(type) || signal.aborted) return null;
    try {
      if (previewKind(type) === "video") return typeof document === "undefined" ? null : await makeVideoPreview("file" in source ? source.file : source.url, signal);
      const file = "file" in source ? source.file : await fetchStoredImage(source.url, source.size, signal);
      return file ? await makeImagePreview(file, type, signal, decoding) : null;
    } catch (err) {
      console.debug("No preview made:", err);
      return null;
    }
  };
}
