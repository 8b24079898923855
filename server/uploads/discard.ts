import "server-only";
import type { FileItem } from "@/db/schema";
import { keysOf } from "./object-keys";
import { abortMultipartUpload } from "@/server/storage/multipart";
import { deleteObject, deleteObjects } from "@/server/storage/objects";

/**
 * Removes `keys` once the file items that owned them (`of`) have moved: ended (aborted, rejected,
 * deleted), or marked uploaded by a complete (its staging objects, or the copies it just made for
 * a file item cleanup gave up on). One DeleteObject for one key, one DeleteObjects for more. A storage
 * failure is logged, never thrown: the file items' new status is already the truth, and cleanup removes
 * what ended file items and stray staging objects left (server/ops/cleanup.ts).
 */
export async function discardObjects(of: FileItem | FileItem[], keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const fileIds = [of].flat().map((item) => item.id);
  try {
    const failed = keys.length === 1 ? await deleteObject(keys[0]!).then((): string[] => []) : await deleteObjects(keys);
    if (failed.length > 0) console.error("Removing an upload's objects failed; cleanup will retry", { fileIds, keys: failed });
  } catch (err) {
    console.error("Removing an upload's objects failed; cleanup will retry", { fileIds, keys, err });
  }
}

/**
 * Everything an ended file item may have stored: its final and staging objects and, when it was
 * aborted, its multipart upload (a rejected or deleted one was completed, so S3 no longer has it).
 */
export function discardUpload(item: FileItem): Promise<void> {
  return discardUploads([item]);
}

/**
 * discardUpload for many ended file items (a page of cleanup's sweep): their multipart uploads
 * aborted side by side, then every object in one DeleteObjects per 1,000 keys, instead of a
 * request or two per file item (a DeleteObject costs SeaweedFS tens of milliseconds).
 */
export async function discardUploads(items: FileItem[]): Promise<void> {
  const aborted = items.filter((item) => item.status === "aborted" && item.strategy === "multipart" && item.uploadId);
  await Promise.all(
    aborted.map((item) =>
      abortMultipartUpload(item.key, item.uploadId!).catch((err: unknown) => console.error("Aborting an ended upload failed; cleanup will retry", { fileId: item.id, err })),
    ),
  );
  await discardObjects(items, items.flatMap(keysOf));
}
