import "server-only";
import { randomUUID } from "node:crypto";
import {
  claimFileCompletion,
  createFileItemsWithinQuota,
  createFileItemWithinQuota,
  createPlannedFileItem,
  createPlannedFileItems,
  getFileItemById,
  markFileAborted,
  markFileUploaded,
  releaseFileCompletion,
  setFileUploadId,
} from "@/db/queries/file-items";
import type { PlannedFileItem, StoredFileItem } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { getEnv } from "@/lib/env";
import { isUuid } from "@/server/http/parse";
import { AppError } from "@/lib/contracts/errors";
import { rejectIfContentMismatch } from "./content-check";
import { discardUpload } from "./discard";
import { completeMultipart, multipartTarget, planOf } from "./multipart";
import { objectKeyFor, stagingKeyFor } from "./object-keys";
import { planParts } from "@/lib/part-plan";
import { GIB, MIB } from "@/lib/units";
import { SNIFF_BYTES } from "./content-sniff";
import { createMultipartUpload } from "@/server/storage/multipart";
import { copyObjectIfMatch, deleteObject, readObjectStart } from "@/server/storage/objects";
import { signUploadPost } from "@/server/storage/post-policy";
import { checkUpload, parseAllowedTypes, type UploadRules } from "@/lib/upload-rules";
import type { CreateUploadBody, UploadTarget } from "@/lib/contracts/upload-schemas";

/**
 * S3 accepts at most 5 GiB in one POST or PUT, and CopyObject (complete's copy from the staging
 * key) copies at most 5 GiB; anything larger must be multipart.
 */
export const MAX_SINGLE_REQUEST_BYTES = 5 * GIB;

export function getUploadRules(): UploadRules {
  const env = getEnv();
  return { allowedTypes: parseAllowedTypes(env.UPLOAD_ALLOWED_TYPES), maxBytes: env.UPLOAD_MAX_BYTES };
}

const QUOTA_EXCEEDED = "This upload would take you over your storage quota.";

/** Inserts the row, within the owner's quota when USER_QUOTA_BYTES is set (413 quota_exceeded). */
async function insertWithinQuota(row: PlannedFileItem): Promise<StoredFileItem> {
  const quota = getEnv().USER_QUOTA_BYTES;
  if (quota === undefined) return createPlannedFileItem(row);
  const stored = await createFileItemWithinQuota(row, quota);
  if (!stored) throw new AppError("quota_exceeded", QUOTA_EXCEEDED);
  return stored;
}

/**
 * The row a request would create, checked against the upload rules (400 / 413 / 415) and planned
 * (post or multipart); nothing is stored yet, so a refused request costs no rate-limit budget.
 */
export function planUpload(userId: string, body: CreateUploadBody): PlannedFileItem {
  const env = getEnv();
  const violation = checkUpload(body, getUploadRules());
  if (violation) throw new AppError(violation.code, violation.message);
  const id = randomUUID();
  const contentType = body.type.trim().toLowerCase();
  const key = objectKeyFor(userId, id, body.name, contentType);
  const base = { id, userId, name: body.name, key, size: body.size, contentType, idempotencyKey: body.idempotencyKey ?? null };
  if (body.size <= Math.min(env.MULTIPART_THRESHOLD_BYTES, MAX_SINGLE_REQUEST_BYTES)) return { ...base, strategy: "post" };
  const plan = planParts(body.size, env.UPLOAD_PART_SIZE_MIB * MIB);
  if (!plan) throw new AppError("too_large", "The file is larger than S3 multipart uploads allow.");
  return { ...base, strategy: "multipart", partSize: plan.partSize };
}

export type CreatedUpload = { item: FileItem; upload: UploadTarget };

/** Signs a stored row's POST, or starts its multipart upload (a failed start leaves the row aborted). */
async function startUpload(item: FileItem): Promise<CreatedUpload> {
  if (item.strategy === "multipart") {
    try {
      const started = await setFileUploadId({ id: item.id, uploadId: await createMultipartUpload({ key: item.key, contentType: item.contentType }) });
      return { item: started, upload: multipartTarget(started) };
    } catch (err) {
      await markFileAborted({ id: item.id, ownerId: item.userId });
      throw err;
    }
  }
  return { item, upload: await signPost(item) };
}

/** The form names the staging key, never the final one: complete copies the checked bytes on. */
async function signPost(item: FileItem): Promise<UploadTarget> {
  const upload = await signUploadPost({ key: stagingKeyFor(item), size: item.size, contentType: item.contentType, expiresInSeconds: getEnv().UPLOAD_URL_TTL_SECONDS });
  return { strategy: "post", ...upload };
}

/**
 * A create retried with the same idempotency key (its first answer was lost): the same row again,
 * with a fresh POST policy or its multipart upload as it stands, so a retry never adds a record.
 * The key names one request: reused for another file, or for an upload no longer pending, it is a 409.
 */
async function resumeStored(row: PlannedFileItem, item: FileItem): Promise<CreatedUpload> {
  if (item.name !== row.name || item.size !== row.size || item.contentType !== row.contentType) {
    throw new AppError("conflict", "This idempotency key was used for another file.");
  }
  if (item.strategy === "multipart" && item.status === "pending" && !item.uploadId) item = await whenStarted(item);
  if (item.status !== "pending") throw new AppError("conflict", `The upload created with this idempotency key is ${item.status}.`);
  if (item.strategy === "post") return { item, upload: await signPost(item) };
  return { item, upload: multipartTarget(item) };
}

const STARTING_POLL_MS = 200;
const STARTING_POLLS = 25;

/**
 * A retry that overtook its first request (the client saw the connection drop while the server
 * was still starting the multipart upload): waits a few seconds for the first request to finish.
 */
async function whenStarted(item: FileItem): Promise<FileItem> {
  for (let poll = 0; poll < STARTING_POLLS; poll++) {
    await new Promise((resolve) => setTimeout(resolve, STARTING_POLL_MS));
    const current = await requireOwnedItem(item.id, item.userId);
    if (current.uploadId || current.status !== "pending") return current;
  }
  throw new AppError("conflict", "The upload created with this idempotency key did not start; try again with a new key.");
}

function startOrResume(row: PlannedFileItem, { item, existing }: StoredFileItem): Promise<CreatedUpload> {
  return existing ? resumeStored(row, item) : startUpload(item);
}

/** Stores a planned upload's row (within the quota; the row first, it holds the quota) and starts it. */
export async function createUpload(row: PlannedFileItem): Promise<CreatedUpload> {
  return startOrResume(row, await insertWithinQuota(row));
}

/**
 * createUpload for many rows of one owner: one INSERT (one quota check) for all, then each is
 * signed or started. Per row, in order: the upload, or the error that row alone met (quota, storage).
 */
export async function createUploads(rows: PlannedFileItem[]): Promise<Array<CreatedUpload | Error>> {
  const quota = getEnv().USER_QUOTA_BYTES;
  const stored = quota === undefined ? await createPlannedFileItems(rows) : await createFileItemsWithinQuota(rows, quota);
  return Promise.all(
    stored.map((entry, i) =>
      entry ? startOrResume(rows[i]!, entry).catch((err: unknown) => asError(err)) : new AppError("quota_exceeded", QUOTA_EXCEEDED),
    ),
  );
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export async function requireOwnedItem(id: string, ownerId: string): Promise<FileItem> {
  const item = await getFileItemById({ id, ownerId });
  if (!item) throw new AppError("not_found", "No such upload.");
  return item;
}

/** A route's `item` (server/http/route.ts): the caller's upload that `[id]` names. */
export function ownedUpload({ user, params }: { user: { id: string }; params: { id: string } }): Promise<FileItem> {
  return requireOwnedItem(params.id, user.id);
}

/**
 * One ranged GET of the staging object gives the size, the type, the bytes the content check
 * reads and the ETag of that version; CopyObject on to the final key only if the staging object
 * is still that version, so the object served is the object checked. Then the row (completing →
 * uploaded), then the staging object goes. Null when cleanup gave up on the row meanwhile.
 */
async function completePost(item: FileItem): Promise<FileItem | null> {
  const staging = stagingKeyFor(item);
  const stored = await readObjectStart(staging, SNIFF_BYTES);
  if (!stored) throw new AppError("upload_incomplete", "The file has not reached storage yet.");
  if (stored.size !== item.size || (stored.contentType ?? "").toLowerCase() !== item.contentType) {
    throw new AppError("upload_incomplete", "The stored file does not match the declared size and type.");
  }
  await rejectIfContentMismatch(item, stored.bytes, [staging]);
  if (!stored.etag || !(await copyObjectIfMatch({ source: staging, target: item.key, etag: stored.etag }))) {
    throw new AppError("upload_incomplete", "The file changed in storage while it was checked; complete it again.");
  }
  // A browser POST carries no checksum field, so S3 has none of ours to report for it.
  const uploaded = await markFileUploaded({ id: item.id, ownerId: item.userId, size: stored.size, checksum: null });
  // Only after the row: if the UPDATE fails, the staging object is still there for a retry.
  await deleteQuietly(item, uploaded ? staging : item.key);
  return uploaded;
}

/** A failed removal is logged, not answered: cleanup removes what ended or stray rows left behind. */
async function deleteQuietly(item: FileItem, key: string): Promise<void> {
  await deleteObject(key).catch((err: unknown) => console.error("Removing an upload's object failed; cleanup will retry", { fileId: item.id, key, err }));
}

/**
 * Runs the claimed complete; a failure other than a 415 (or losing the row to cleanup) hands the
 * row back as pending, as it was before (`pendingSince`), so the client can retry.
 */
async function finishClaimed(item: FileItem, pendingSince: Date): Promise<FileItem> {
  let done: FileItem | null;
  try {
    done = item.strategy === "multipart" ? await completeMultipart(item) : await completePost(item);
  } catch (err) {
    if (!(err instanceof AppError && (err.code === "unsupported_type" || err.code === "conflict"))) {
      await releaseFileCompletion({ id: item.id, ownerId: item.userId, updatedAt: pendingSince });
    }
    throw err;
  }
  if (!done) throw new AppError("conflict", "This upload was given up on while it completed; upload the file again.");
  return done;
}

const COMPLETING_POLL_MS = 100;
const COMPLETING_POLLS = 50;

/**
 * The answer for a complete that found another one at work: waits a few seconds for its outcome.
 * Uploaded is this call's answer too; anything else, or no outcome in time, is a 409.
 */
async function outcomeOf(item: FileItem): Promise<FileItem> {
  let current = item;
  for (let poll = 0; poll < COMPLETING_POLLS && current.status === "completing"; poll++) {
    await new Promise((resolve) => setTimeout(resolve, COMPLETING_POLL_MS));
    current = await requireOwnedItem(item.id, item.userId);
  }
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
  if (item.strategy === "multipart") planOf(item);
  const claimed = await claimFileCompletion({ id, ownerId });
  if (!claimed) return outcomeOf(await requireOwnedItem(id, ownerId));
  return finishClaimed(claimed, item.updatedAt);
}

/**
 * Cancels a pending upload: the row becomes aborted, and only the request that moved it removes
 * what is stored. A complete in progress or done wins: 409.
 */
export async function cancelUpload(id: string, ownerId: string): Promise<void> {
  const item = await requireOwnedItem(id, ownerId);
  if (item.status === "pending") {
    const aborted = await markFileAborted({ id, ownerId });
    if (aborted) return discardUpload(aborted);
  }
  const current = item.status === "pending" ? await requireOwnedItem(id, ownerId) : item;
  if (current.status === "aborted") return;
  if (current.status === "completing") throw new AppError("conflict", "This upload is completing; delete the file once it is done.");
  throw new AppError("conflict", `This upload is ${current.status}; delete the file instead.`);
}

/** completeUpload for each id (of one owner), at once; per id, in order: the row or its error. */
export async function completeUploads(ids: string[], ownerId: string): Promise<Array<FileItem | Error>> {
  return Promise.all(
    ids.map((id) => (isUuid(id) ? completeUpload(id.toLowerCase(), ownerId).catch((err: unknown) => asError(err)) : new AppError("not_found", "No such upload."))),
  );
}
