import "server-only";
import { markFileRejected } from "@/db/queries/file-item-status";
import type { FileItem } from "@/db/schema";
import type { ObjectStart } from "@/server/storage/objects";
import { contentMismatch } from "./content-sniff";
import { discardObjects } from "./discard";
import { keysOf } from "./object-keys";
import { AppError } from "@/server/http/app-error";

/**
 * Refuses a file whose first stored bytes (`start`, read by the caller with its size check)
 * contradict its declared type (HTML bytes declared as PNG): the claimed file item is marked rejected
 * first, then the objects at `keys` are removed, so it is never listed or served. Runs at
 * complete, before the file item becomes uploaded.
 */
export async function rejectIfContentMismatch(item: FileItem, start: Uint8Array, keys: string[]): Promise<void> {
  if (item.size === 0) return;
  const reason = await contentMismatch(start, item.contentType);
  if (!reason) return;
  if (!(await markFileRejected({ id: item.id, ownerId: item.userId }))) {
    throw new AppError("conflict", "This upload was given up on while it completed.");
  }
  await discardObjects(item, keys);
  throw new AppError("unsupported_type", `${reason} The upload was rejected and removed.`);
}

/**
 * The check of a small upload's stored object (a POST's or a PUT's), from one ranged GET: the size
 * and type the file item declares (409 upload_incomplete otherwise, the file item stays pending),
 * then its first bytes (rejectIfContentMismatch).
 */
export async function checkStoredFile(item: FileItem, stored: ObjectStart): Promise<void> {
  if (stored.size !== item.size || (stored.contentType ?? "").toLowerCase() !== item.contentType) {
    throw new AppError("upload_incomplete", "The stored file does not match the declared size and type.");
  }
  await rejectIfContentMismatch(item, stored.bytes, keysOf(item));
}
