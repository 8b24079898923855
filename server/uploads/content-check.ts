import "server-only";
import { markFileRejected } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { contentMismatch } from "./content-sniff";
import { AppError } from "@/lib/contracts/errors";
import { deleteObject } from "@/server/storage/objects";

/**
 * Refuses a file whose first stored bytes (`start`, read by the caller with its size check)
 * contradict its declared type (HTML bytes declared as PNG): the object is removed and the row
 * marked rejected, so it is never listed or served. Runs at complete, before the row becomes uploaded.
 */
export async function rejectIfContentMismatch(item: FileItem, start: Uint8Array): Promise<void> {
  if (item.size === 0) return;
  const reason = await contentMismatch(start, item.contentType);
  if (!reason) return;
  await deleteObject(item.key);
  await markFileRejected({ id: item.id, ownerId: item.userId });
  throw new AppError("unsupported_type", `${reason} The upload was rejected and removed.`);
}
