/**
 * The page's preview maker (issue 16): a small WebP or JPEG of a photo or a video, or null when
 * none can be made (a codec the browser lacks, HEIC, a picture past MAX_SOURCE_PIXELS, broken
 * bytes, the time running out). It never throws: no preview is never an upload error.
 * Browser-only; the CLI makes no previews.
 */
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import { makeImagePreview } from "./image-preview";
import { makeVideoPreview } from "./video-preview";

/** What the upload store is given to make previews; tests pass fakes, the CLI none. */
export type PreviewMaker = (file: File, signal?: AbortSignal) => Promise<Blob | null>;

export const makePreview: PreviewMaker = async (file, signal = new AbortController().signal) => {
  const type = file.type.trim().toLowerCase();
  if (!isPreviewable(type) || signal.aborted) return null;
  try {
    if (type.startsWith("video/")) return typeof document === "undefined" ? null : await makeVideoPreview(file, signal);
    return await makeImagePreview(file, type, signal);
  } catch (err) {
    console.debug("No preview for", file.name, err);
    return null;
  }
};
