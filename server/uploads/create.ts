import "server-only";
import { randomUUID } from "node:crypto";
import { createFileItemsWithinQuota, createFileItemWithinQuota, createPlannedFileItem, createPlannedFileItems, markFileAborted, setFileUploadId } from "@/db/queries/file-items";
import type { PlannedFileItem, StoredFileItem } from "@/db/queries/file-items";

export type { PlannedFileItem };
import type { FileItem } from "@/db/schema";
import { AppError, asError } from "@/server/http/app-error";
import { getEnv } from "@/server/env";
import { planParts } from "@/lib/part-plan";
import { GIB, MIB } from "@/lib/units";
import { checkUpload, parseAllowedTypes, type UploadRules } from "@/lib/upload-rules";
import type { CreateUploadBody, UploadTarget } from "@/lib/contracts/upload-schemas";
import { createMultipartUpload } from "@/server/storage/multipart";
import { signUploadPost } from "@/server/storage/post-policy";
import { multipartTarget } from "./multipart";
import { objectKeyFor, stagingKeyFor } from "./object-keys";
import { waitForRow } from "./owned";

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
  const base = { id, userId, name: body.name, path: body.path ?? null, key, size: body.size, contentType, idempotencyKey: body.idempotencyKey ?? null };
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
 * The key names one request: reused for another file (name, folder, size or type), or for an upload
 * no longer pending, it is a 409.
 */
async function resumeStored(row: PlannedFileItem, item: FileItem): Promise<CreatedUpload> {
  if (item.name !== row.name || item.path !== row.path || item.size !== row.size || item.contentType !== row.contentType) {
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
  const started = (row: FileItem) => Boolean(row.uploadId) || row.status !== "pending";
  // The first read is the caller's own: wait before reading again, as the first request is still at work.
  const current = await waitForRow(item, (row) => row !== item && started(row), { polls: STARTING_POLLS, intervalMs: STARTING_POLL_MS });
  if (current !== item && started(current)) return current;
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
