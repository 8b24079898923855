import "server-only";
import { markPreviewsFailed } from "@/db/queries/file-item-previews";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { previewRefusal, readNamedFileItems } from "./preview-items";

/**
 * POST /api/previews/failed: a page could not make these file items' previews because their
 * pictures would not decode (the worker's decode threw, the <video> would not load them). Recorded,
 * `previewWanted` turns false, so no page downloads the file again to try. One statement reads the
 * caller's file items, each is checked as a plan's would be (previewRefusal; refusals cost nothing
 * but the request), the request spends one upload request of the rate limit, and one guarded UPDATE
 * records the rest. An id named twice is answered twice alike. Per id, in order: the file item as
 * recorded, or why it is not.
 */
export async function recordPreviewFailures(ownerId: string, fileItemIds: string[]): Promise<Array<FileItem | Error>> {
  const { ids, items } = await readNamedFileItems(ownerId, fileItemIds);
  const refusals = new Map([...items.values()].map((item) => [item.id, previewRefusal(item)]));
  await enforceRateLimit("upload-requests", ownerId);
  const wanted = [...refusals].flatMap(([id, refused]) => (refused ? [] : [id]));
  const recorded = new Map((await markPreviewsFailed({ ownerId, ids: wanted })).map((item) => [item.id, item]));
  return ids.map((id) => {
    if (!id || !items.has(id)) return previewRefusal(undefined)!;
    // Deleted, or its preview stored by another request, since it was read.
    return refusals.get(id) ?? recorded.get(id) ?? new AppError("conflict", "This file changed while its failed preview was recorded; it is no longer an uploaded file without a preview.");
  });
}
