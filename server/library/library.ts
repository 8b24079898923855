import "server-only";
import { getUploadedBytes, listLibraryFiles, renameFileItem } from "@/db/queries/file-library";
import { markFileDeleted } from "@/db/queries/file-item-status";
import { getFileItemById } from "@/db/queries/file-items";
import { revokeShareLinksOfFile } from "@/db/queries/share-links";
import type { FileItem } from "@/db/schema";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { attachmentUrlOf, toFileItemJsonWithPreview, viewUrlOf } from "./file-urls";
import { decodeCursor, encodeCursor } from "@/server/library/library-cursor";
import type { LibraryPage, ListFilesQuery } from "@/lib/contracts/library-schemas";
import { checkFileName } from "@/lib/upload-rules";
import { discardObjects } from "@/server/uploads/discard";
import { keysOf } from "@/server/uploads/object-keys";

/** One page of the caller's uploaded files, with the cursor for the next and their usage. */
export async function listLibrary(ownerId: string, query: ListFilesQuery): Promise<LibraryPage> {
  const cursor = query.cursor ? decodeCursor(query.cursor, query) : null;
  if (query.cursor && !cursor) throw new AppError("bad_request", "cursor: is not valid for this listing");
  const [items, usedBytes] = await Promise.all([
    listLibraryFiles({ ownerId, sort: query.sort, order: query.order, limit: query.limit, cursor, search: query.q, type: query.type }),
    getUploadedBytes({ ownerId }),
  ]);
  const page = items.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    items.length > query.limit && last ? encodeCursor({ sort: query.sort, order: query.order, value: last.sortKey, id: last.id }) : null;
  return {
    files: await Promise.all(page.map(({ sortKey: _sortKey, ...item }) => toFileItemJsonWithPreview(item))),
    nextCursor,
    usage: { usedBytes, quotaBytes: getEnv().USER_QUOTA_BYTES ?? null },
  };
}

/** The caller's uploaded file; anything else (another owner's, pending, deleted) is a 404. */
async function requireUploadedFile(id: string, ownerId: string): Promise<FileItem> {
  const item = await getFileItemById({ id, ownerId });
  if (!item || item.status !== "uploaded") throw new AppError("not_found", "No such file.");
  return item;
}

export async function downloadUrl(id: string, ownerId: string): Promise<string> {
  return attachmentUrlOf(await requireUploadedFile(id, ownerId));
}

/** `GET /api/files/{id}/view`: allowlisted media inline, anything else as an attachment. */
export async function viewUrl(id: string, ownerId: string): Promise<string> {
  return viewUrlOf(await requireUploadedFile(id, ownerId));
}

/**
 * A new display name under the rules of a name at upload (checkFileName): among them, its extension
 * must belong to the stored type, which never changes, so a checked PNG can't become `a.html`.
 */
export async function renameFile(id: string, ownerId: string, name: string): Promise<FileItem> {
  const file = await requireUploadedFile(id, ownerId);
  const violation = checkFileName(name, file.contentType);
  if (violation) throw new AppError(violation.code, violation.message);
  const item = await renameFileItem({ id, ownerId, name });
  if (!item) throw new AppError("not_found", "No such file.");
  return item;
}

/**
 * The file item first (uploaded → deleted, guarded, so of two deletes one wins and the other is a 404),
 * then the object and its preview's objects. If S3 refuses, the file is still gone for its owner and cleanup removes the
 * object later (it sweeps recently deleted file items); the file item never says uploaded without its bytes.
 * The file's share links die with the status change and are revoked too.
 */
export async function deleteFile(id: string, ownerId: string): Promise<void> {
  const item = await markFileDeleted({ id, ownerId });
  if (!item) throw new AppError("not_found", "No such file.");
  // Its share links stopped working with the status change (they require an uploaded file); revoking
  // them also keeps them dead should the file item ever change again.
  await revokeShareLinksOfFile({ fileId: item.id });
  // Every key the file may have written: its preview's too, stored, only posted, or copied by a
  // preview complete that is losing the race with this delete right now.
  await discardObjects(item, keysOf(item));
}
