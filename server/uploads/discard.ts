import "server-only";
import type { FileItem } from "@/db/schema";
import { keysOf } from "./object-keys";
import { abortMultipartUpload } from "@/server/storage/multipart";
import { deleteObject, deleteObjects } from "@/server/storage/objects";

/**
 * Removes `keys` of a row that has already left the state its bytes belonged to (aborted,
 * rejected, deleted). A storage failure is logged, not thrown: the row's new status is already
 * the truth, and cleanup removes what is left of ended rows (server/ops/cleanup.ts).
 */
export async function discardObjects(item: FileItem, keys: string[]): Promise<void> {
  try {
    await Promise.all(keys.map((key) => deleteObject(key)));
  } catch (err) {
    console.error("Removing an ended upload's objects failed; cleanup will retry", { fileId: item.id, err });
  }
}

/**
 * Everything an ended upload may have stored: its final and staging objects and, when it was
 * aborted, its multipart upload (a rejected or deleted one was completed, so S3 no longer has it).
 */
export async function discardUpload(item: FileItem): Promise<void> {
  try {
    if (item.status === "aborted" && item.strategy === "multipart" && item.uploadId) await abortMultipartUpload(item.key, item.uploadId);
  } catch (err) {
    console.error("Aborting an ended upload failed; cleanup will retry", { fileId: item.id, err });
  }
  await discardObjects(item, keysOf(item));
}

/**
 * Removes what a complete leaves behind once the row is marked (staging objects, or the copies
 * just made for a row cleanup gave up on): one request for one key, one DeleteObjects for more. A
 * failure is logged, not answered: cleanup removes stray staging objects and what ended rows left.
 */
export async function removeLeftovers(item: FileItem, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    const failed = keys.length === 1 ? await deleteObject(keys[0]!).then((): string[] => []) : await deleteObjects(keys);
    if (failed.length > 0) console.error("Removing an upload's leftovers failed; cleanup will retry", { fileId: item.id, keys: failed });
  } catch (err) {
    console.error("Removing an upload's leftovers failed; cleanup will retry", { fileId: item.id, keys, err });
  }
}
