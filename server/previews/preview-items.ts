import "server-only";
import { getOwnedFileItems } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { isUuid } from "@/server/http/parse";
import { hasStoredPreview } from "@/server/uploads/object-keys";
import { isPreviewable } from "@/lib/contracts/preview-schemas";

/**
 * The caller's file items a preview batch names, read in one statement: each id as the batch sent
 * it (lower case, or null when it is not a uuid, so names no file item) and the file items by id.
 */
export async function readNamedFileItems(ownerId: string, fileItemIds: string[]): Promise<{ ids: Array<string | null>; items: Map<string, FileItem> }> {
  const ids = fileItemIds.map((id) => (isUuid(id) ? id.toLowerCase() : null));
  const named = [...new Set(ids.filter((id): id is string => id !== null))];
  return { ids, items: new Map((await getOwnedFileItems({ ids: named, ownerId })).map((item) => [item.id, item])) };
}

/**
 * Why a file item may have no preview planned, nor its failure recorded, or null: it must be the
 * caller's (404), uploaded (409), of a type that gets previews (409 not_previewable) and without a
 * stored preview (409).
 */
export function previewRefusal(item: FileItem | undefined): AppError | null {
  if (!item) return new AppError("not_found", "No such file.");
  if (item.status !== "uploaded") return new AppError("conflict", `This file is ${item.status}; only an uploaded file gets a preview.`);
  if (!isPreviewable(item.contentType)) return new AppError("not_previewable", `Files of type ${item.contentType} get no preview.`);
  if (hasStoredPreview(item)) return new AppError("conflict", "This file already has its preview.");
  return null;
}
