/**
 * The page's preview maker (issues 16 and 21): a small WebP or JPEG of a photo or a video;
 * UNDECODABLE when these bytes give no picture (broken bytes, a codec the browser lacks, a picture
 * past the decode limits), which the page reports; null when none was made this time (a stored
 * file that could not be fetched, the time running out, no worker). It never throws: no preview is
 * never an upload error. Browser-only; the CLI makes no previews.
 */
import { ConnectionPool } from "@/client/connection-pool";
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import { DecodeBudget } from "./decode-budget";
import { makeImagePreview } from "./image-preview";
import { ImageWorkerPool } from "./image-workers";
import type { MadePreview } from "./made-preview";
import { fetchStoredImage } from "./stored-file";
import { makeVideoPreview } from "./video-preview";

/** What a preview is made of: a file picked in this tab, or a stored file read back by its view URL. */
export type PreviewSource = { type: string; file: Blob } | { type: string; url: string; size: number };

/** Makes one preview (made-preview.ts: a preview, UNDECODABLE, or none this time); the PreviewQueue (preview-queue.ts) decides when. Tests pass fakes. */
export type PreviewMaker = (source: PreviewSource, signal: AbortSignal) => Promise<MadePreview>;

/** Videos need a <video> on the main thread; everything else previewable is an image for a worker. */
export function previewKind(type: string): "image" | "video" {
  return type.trim().toLowerCase().startsWith("video/") ? "video" : "image";
}

/** Stored images held at once (fetched, then decoded): each may be up to STORED_IMAGE_MAX_BYTES. */
export const STORED_IMAGES_AT_ONCE = 2;

/**
 * The page's maker, with `imageWorkers` decode workers sharing one decode budget. A stored file is
 * read over one of `connections` (the pool the uploads use) while it is fetched or, a video, read
 * by its <video>.
 */
export function createPreviewMaker(imageWorkers: number, connections: ConnectionPool): PreviewMaker {
  const decoding = { workers: new ImageWorkerPool(imageWorkers), budget: new DecodeBudget() };
  const storedImages = new ConnectionPool(STORED_IMAGES_AT_ONCE);
  /** `read` over a storage connection, released when it settles. */
  const overConnection = async <T>(read: () => Promise<T>, signal: AbortSignal): Promise<T> => {
    const release = await connections.acquire(signal);
    try {
      return await read();
    } finally {
      release();
    }
  };
  const makeImage = async (source: PreviewSource, type: string, signal: AbortSignal) => {
    if ("file" in source) return makeImagePreview(source.file, type, signal, decoding);
    const release = await storedImages.acquire(signal);
    try {
      const file = await overConnection(() => fetchStoredImage(source.url, source.size, signal), signal);
      return file ? await makeImagePreview(file, type, signal, decoding) : null;
    } finally {
      release();
    }
  };
  return async (source, signal) => {
    const type = source.type.trim().toLowerCase();
    if (!isPreviewable(type) || signal.aborted) return null;
    try {
      if (previewKind(type) === "image") return await makeImage(source, type, signal);
      if (typeof document === "undefined") return null;
      return "file" in source ? await makeVideoPreview(source.file, type, signal) : await overConnection(() => makeVideoPreview(source.url, type, signal), signal);
    } catch (err) {
      console.debug("No preview made:", err);
      return null;
    }
  };
}
