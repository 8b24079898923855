import "server-only";
import { markFileRejected } from "@/db/queries";
import type { FileItem } from "@/db/schema";
import { contentMismatch, SNIFF_BYTES } from "./content-sniff";
import { AppError } from "./errors";
import { deleteObject, readObjectStart } from "./s3.server";

/**
 * Reads the stored object's first bytes and refuses a file whose contents contradict its declared
 * type (HTML bytes declared as PNG): the object is removed and the row marked rejected, so it is
 * never listed or served. Runs at complete, before the row becomes uploaded.
 */
export async function rejectIfContentMismatch(item: FileItem): Promise<void> {
  if (item.size === 0) return;
  const reason = await contentMismatch(await readObjectStart(item.key, SNIFF_BYTES), item.contentType);
  if (!reason) return;
  await deleteObject(item.key);
  await markFileRejected({ id: item.id, ownerId: item.userId });
  throw new AppError("unsupported_type", `${reason} The upload was rejected and removed.`);
}
