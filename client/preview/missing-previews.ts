/**
 * Previews the library grid makes for what it shows (issue 21): a file uploaded while no tab of
 * ours could make its preview (the tab closed first, the CLI) is answered with `previewWanted`, and
 * the grid hands it to the tab's PreviewQueue, which reads the stored file back (an image fetched,
 * bounded in size; a video by its URL, by ranges) and sends the preview as an upload's would be.
 * Each file item is tried at most once per tab, whether by an upload or by the grid.
 */
import { viewHref } from "@/client/api/library-api";
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { previewKind } from "./make-preview";
import type { PreviewQueue } from "./preview-queue";
import { STORED_IMAGE_MAX_BYTES } from "./stored-file";

/** Whether the grid asks for this file's preview: wanted, of a type made here, and (an image) not too big to fetch. */
export function wantsStoredPreview(file: FileItemJson): boolean {
  if (!file.previewWanted || file.previewUrl !== null || file.status !== "uploaded" || !isPreviewable(file.type)) return false;
  return previewKind(file.type) === "video" || file.size <= STORED_IMAGE_MAX_BYTES;
}

/** Queues the missing previews of `files`, in the order shown; answers how many were queued now. */
export function makeMissingPreviews(queue: Pick<PreviewQueue, "addStored">, files: readonly FileItemJson[]): number {
  let queued = 0;
  for (const file of files) {
    if (wantsStoredPreview(file) && queue.addStored(file.id, { type: file.type, url: viewHref(file.id), size: file.size })) queued++;
  }
  return queued;
}
