import "server-only";
import { claimFileCompletion, markFileUploaded, releaseFileCompletion } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { copyObjectIfMatch, readObjectStart } from "@/server/storage/objects";
import { rejectIfContentMismatch } from "./content-check";
import { SNIFF_BYTES } from "./content-sniff";
import { removeLeftovers } from "./discard";
import { completeMultipart, planOf } from "./multipart";
import { keysOf, stagingKeyFor } from "./object-keys";
import { requireOwnedItem, waitForRow } from "./owned";
import { placePreview, previewLeftovers } from "./preview-complete";

/**
 * One ranged GET of the staging object gives the size, the type, the bytes the content check
 * reads and the ETag of that version; CopyObject on to the final key only if the staging object
 * is still that version, so the object served is the object checked. What is left (the row,
 * then removing the staging object) the caller does, for one file or a batch.
 */
export async function verifyAndPlacePost(item: FileItem): Promise<void> {
  const staging = stagingKeyFor(item);
  const stored = await readObjectStart(staging, SNIFF_BYTES);
  if (!stored) throw new AppError("upload_incomplete", "The file has not reached storage yet.");
  if (stored.size !== item.size || (stored.contentType ?? "").toLowerCase() !== item.contentType) {
    throw new AppError("upload_incomplete", "The stored file does not match the declared size and type.");
  }
  await rejectIfContentMismatch(item, stored.bytes, keysOf(item));
  if (!stored.etag || !(await copyObjectIfMatch({ source: staging, target: item.key, etag: stored.etag }))) {
    throw new AppError("upload_incomplete", "The file changed in storage while it was checked; complete it again.");
  }
}

/**
 * Verified and placed, its preview checked and placed (or dropped), then the row (completing →
 * uploaded, keeping the preview or not), then the staging objects go. Null when cleanup gave up
 * on the row meanwhile.
 */
async function completePost(item: FileItem): Promise<FileItem | null> {
  await verifyAndPlacePost(item);
  const preview = await placePreview(item);
  // A browser POST carries no checksum field, so S3 has none of ours to report for it; the size
  // is the row's, which the stored object was just found to have.
  const uploaded = await markFileUploaded({ id: item.id, ownerId: item.userId, size: item.size, checksum: null, preview });
  // Only after the row: if the UPDATE fails, the staging objects are still there for a retry.
  await removeLeftovers(item, [uploaded ? stagingKeyFor(item) : item.key, ...previewLeftovers(item, preview, Boolean(uploaded))]);
  return uploaded;
}


/**
 * Runs `work` for a claimed row; a failure other than a 415 (or losing the row to cleanup) hands
 * the row back as pending, as it was before (`pendingSince`), so the client can retry.
 */
export async function releasingOnFailure<T>(item: FileItem, pendingSince: Date, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError && (err.code === "unsupported_type" || err.code === "conflict"))) {
      await releaseFileCompletion({ id: item.id, ownerId: item.userId, updatedAt: pendingSince });
    }
    throw err;
  }
}

async function finishClaimed(item: FileItem, pendingSince: Date): Promise<FileItem> {
  const done = await releasingOnFailure(item, pendingSince, () => (item.strategy === "multipart" ? completeMultipart(item) : completePost(item)));
  if (!done) throw lostToCleanup();
  return done;
}

export function lostToCleanup(): AppError {
  return new AppError("conflict", "This upload was given up on while it completed; upload the file again.");
}

const COMPLETING_POLL_MS = 100;
const COMPLETING_POLLS = 50;

/**
 * The answer for a complete that found another one at work: waits a few seconds for its outcome.
 * Uploaded is this call's answer too; anything else, or no outcome in time, is a 409.
 */
async function outcomeOf(item: FileItem): Promise<FileItem> {
  const current = await waitForRow(item, (row) => row.status !== "completing", { polls: COMPLETING_POLLS, intervalMs: COMPLETING_POLL_MS });
  if (current.status === "uploaded") return current;
  if (current.status === "completing") throw new AppError("conflict", "Another request is completing this upload; try again shortly.");
  if (current.status === "pending") throw new AppError("upload_incomplete", "The upload could not be completed yet; try again.");
  throw new AppError("conflict", `This upload is ${current.status}.`);
}

/**
 * Marks the upload done only when S3 holds the object with the declared size (and type); the
 * size recorded is S3's. One request claims the row (pending → completing) and does the work; a
 * second or concurrent call waits for its outcome, so two completes never both write.
 */
export async function completeUpload(id: string, ownerId: string): Promise<FileItem> {
  const item = await requireOwnedItem(id, ownerId);
  if (item.status === "uploaded") return item;
  if (item.status === "completing") return outcomeOf(item);
  if (item.status !== "pending") throw new AppError("conflict", `This upload is ${item.status}.`);
  // A multipart row without its upload id or part size can't be completed: 409 before claiming it.
  if (item.strategy === "multipart") planOf(item);
  const claimed = await claimFileCompletion({ id, ownerId });
  if (!claimed) return outcomeOf(await requireOwnedItem(id, ownerId));
  return finishClaimed(claimed, item.updatedAt);
}
