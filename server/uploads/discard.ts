import "server-only";
import type { FileItem } from "@/db/schema";
import { keysOf } from "./object-keys";
import { abortMultipartUpload } from "@/server/storage/multipart";
import { deleteObject } from "@/server/storage/objects";

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
