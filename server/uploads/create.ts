import "server-only";
import { randomUUID } from "node:crypto";
import { setFileUploadId } from "@/db/queries/file-items";
import { extendFormHold } from "@/db/queries/file-item-holds";
import { createFileItems, type PlannedFileItem, type StoredFileItem } from "@/db/queries/file-items-create";
import { markFileAborted } from "@/db/queries/file-item-status";
import type { FileItem } from "@/db/schema";
import { AppError, asError } from "@/server/http/app-error";
import { getEnv } from "@/server/env";
import { planParts } from "@/lib/part-plan";
import { GIB, MIB } from "@/lib/units";
import { checkUpload, parseAllowedTypes, type UploadRules } from "@/lib/upload-rules";
import { checksumRequired, formChecksumWanted, type CreateUploadBody, type UploadSettings, type UploadTarget } from "@/lib/contracts/upload-schemas";
import { createMultipartUpload } from "@/server/storage/multipart";
import { storageRefusalOf } from "@/server/storage/s3-errors";
import { signUploadPost } from "@/server/storage/post-policy";
import { signUploadPut } from "@/server/storage/put-urls";
import { putWritesFinalKey } from "./complete-put";
import { multipartTarget } from "./multipart";
import { formBindsSha256, objectKeyFor, SHA256_CHECKSUM_PREFIX, stagingKeyFor } from "./object-keys";
import { waitForFileItem } from "./owned";
import { releaseStagingHolds } from "./staging-holds";
import { enforceUploadLimits } from "@/server/ops/rate-limit";

/**
 * S3 accepts at most 5 GiB in one POST or PUT, and CopyObject (complete's copy from the staging
 * key) copies at most 5 GiB; anything larger must be multipart.
 */
export const MAX_SINGLE_REQUEST_BYTES = 5 * GIB;

export function getUploadRules(): UploadRules {
  const env = getEnv();
  return { allowedTypes: parseAllowedTypes(env.UPLOAD_ALLOWED_TYPES), maxBytes: env.UPLOAD_MAX_BYTES };
}

/** How a PUT upload's checksum is recorded, as S3 reports checksums: `CRC32:<base64>`. */
const CHECKSUM_PREFIX = "CRC32:";

/**
 * How this server sends files of each size (GET /api/uploads/settings, and the page from its
 * render): up to the multipart threshold (at most 5 GiB) in one request, by POST form or, on stores
 * without POST Object (S3_SMALL_UPLOADS=put), by presigned PUT.
 */
export function uploadSettings(): UploadSettings {
  const env = getEnv();
  const { smallUploads, postChecksum } = env.storeAbilities;
  return {
    smallUploads,
    singleRequestMaxBytes: Math.min(env.MULTIPART_THRESHOLD_BYTES, MAX_SINGLE_REQUEST_BYTES),
    formChecksum: smallUploads === "post" && postChecksum ? "sha256" : null,
  };
}

/**
 * The file item a request would create, checked against the upload rules (400 / 413 / 415) and planned
 * (post, put or multipart); nothing is stored yet, so a refused request costs no rate-limit budget.
 * A PUT's file item keeps the CRC32 its URL signs (400 without one); a POST's, the SHA-256 its form
 * will bind, when the create carries one and the store checks it.
 */
export function planUpload(userId: string, body: CreateUploadBody): PlannedFileItem {
  const env = getEnv();
  const violation = checkUpload(body, getUploadRules());
  if (violation) throw new AppError(violation.code, violation.message);
  const id = randomUUID();
  const contentType = body.type.trim().toLowerCase();
  const key = objectKeyFor(userId, id, body.name, contentType);
  const base = { id, userId, name: body.name, path: body.path ?? null, key, size: body.size, contentType, idempotencyKey: body.idempotencyKey ?? null };
  const settings = uploadSettings();
  if (checksumRequired(settings, body.size)) {
    if (!body.checksum) throw new AppError("bad_request", "checksum: required: this store takes files of this size by presigned PUT, which signs the file's CRC32");
    return { ...base, strategy: "put", checksum: `${CHECKSUM_PREFIX}${body.checksum}`, formExpiresAt: formExpiry() };
  }
  if (body.size <= settings.singleRequestMaxBytes) {
    const checksum = body.sha256 && formChecksumWanted(settings, body.size) ? `${SHA256_CHECKSUM_PREFIX}${body.sha256}` : null;
    return { ...base, strategy: "post", checksum, formExpiresAt: formExpiry() };
  }
  const plan = planParts(body.size, env.UPLOAD_PART_SIZE_MIB * MIB);
  if (!plan) throw new AppError("too_large", "The file is larger than S3 multipart uploads allow.");
  return { ...base, strategy: "multipart", partSize: plan.partSize };
}

export type CreatedUpload = { item: FileItem; upload: UploadTarget };

/** The quota's refusal: what counts is more than the files listed (docs/api.md, "The quota"). */
const QUOTA_MESSAGE =
  "This upload would take you over your storage quota. A small file counts twice its size until its upload form or URL expires, so room comes back within minutes of recent uploads, cancels and deletes.";

/** Signs a stored file item's POST or PUT, or starts its multipart upload (a failed start leaves the file item aborted). */
async function startUpload(item: FileItem): Promise<CreatedUpload> {
  if (item.strategy === "multipart") {
    try {
      // Fixed for the life of this upload: its part URLs and its complete follow what it was created with.
      const partChecksum = getEnv().storeAbilities.partChecksum;
      const uploadId = await createMultipartUpload({ key: item.key, contentType: item.contentType, partChecksum });
      const started = await setFileUploadId({ id: item.id, uploadId, partChecksum });
      return { item: started, upload: multipartTarget(started) };
    } catch (err) {
      // Released (its quota too); a store's refusal is recorded on it.
      await markFileAborted({ id: item.id, ownerId: item.userId, storageRefusal: storageRefusalOf(err) });
      throw err;
    }
  }
  return { item, upload: await signSingle(item) };
}

/** A small file's one request to storage, as its strategy says. */
function signSingle(item: FileItem): Promise<UploadTarget> {
  return item.strategy === "put" ? signPut(item) : signPost(item);
}

/**
 * The URL names the final key with `If-None-Match: *` where the store honours it (it writes once),
 * else the staging key (complete copies the checked bytes on); either way this size, type and
 * the CRC32 the file item was created with, expiring no later than its staging hold, as a form does
 * (after a cancel, a reject or a delete it could still write until then: the hold counts those
 * bytes, and its release empties both keys, staging-holds.ts).
 */
async function signPut(item: FileItem): Promise<UploadTarget> {
  if (!item.formExpiresAt) throw new Error("a PUT upload's URL is signed only under a staging hold");
  const finalKey = putWritesFinalKey();
  const upload = await signUploadPut({
    key: finalKey ? item.key : stagingKeyFor(item),
    size: item.size,
    contentType: item.contentType,
    checksumCRC32: item.checksum!.slice(CHECKSUM_PREFIX.length),
    ifNoneMatch: finalKey,
    expiresAt: item.formExpiresAt,
  });
  return { strategy: "put", ...upload };
}

/** When a form signed now expires (UPLOAD_URL_TTL_SECONDS): the staging hold recorded before it is signed. */
function formExpiry(): Date {
  return new Date(Date.now() + getEnv().UPLOAD_URL_TTL_SECONDS * 1000);
}

/**
 * A form bound to the file's SHA-256 (formBindsSha256) names the final key: the store takes no other
 * bytes from it, so it can never replace what complete checked. Any other form names the staging
 * key, never the final one: complete copies the checked bytes on. Either expires no later than the
 * file item's staging hold (form_expires_at), recorded first (after a cancel, a reject or a delete a
 * bound form could still write the final key until then: the hold counts those bytes, and its
 * release empties both keys, staging-holds.ts).
 */
async function signPost(item: FileItem): Promise<UploadTarget> {
  if (!item.formExpiresAt) throw new Error("a POST upload's form is signed only under a staging hold");
  const bound = formBindsSha256(item);
  const upload = await signUploadPost({
    key: bound ? item.key : stagingKeyFor(item),
    size: item.size,
    contentType: item.contentType,
    sha256: bound ? item.checksum!.slice(SHA256_CHECKSUM_PREFIX.length) : undefined,
    expiresAt: item.formExpiresAt,
  });
  return { strategy: "post", ...upload };
}

/** A fresh form or PUT URL for a pending small upload: its staging hold moved on first (only while pending), then signed to it. */
async function signSingleAgain(item: FileItem): Promise<UploadTarget> {
  const held = await extendFormHold({ id: item.id, ownerId: item.userId, until: formExpiry() });
  if (!held) throw new AppError("conflict", "The upload created with this idempotency key is no longer pending.");
  return signSingle(held);
}

/**
 * A create retried with the same idempotency key (its first answer was lost): the same file item again,
 * with a fresh POST policy or PUT URL, or its multipart upload as it stands, so a retry never adds a
 * file item. The key names one request: reused for another file (name, folder, size, type or
 * checksum), or for an upload no longer pending, it is a 409.
 */
async function resumeStored(plan: PlannedFileItem, item: FileItem): Promise<CreatedUpload> {
  const sameFile = item.name === plan.name && item.path === plan.path && item.size === plan.size && item.contentType === plan.contentType;
  // A small file's checksum is what its form or URL binds: another one is another request.
  if (!sameFile || (item.strategy !== "multipart" && item.strategy === plan.strategy && (item.checksum ?? null) !== (plan.checksum ?? null))) {
    throw new AppError("conflict", "This idempotency key was used for another file.");
  }
  if (item.strategy === "multipart" && item.status === "pending" && !item.uploadId) item = await whenStarted(item);
  if (item.status !== "pending") throw new AppError("conflict", `The upload created with this idempotency key is ${item.status}.`);
  if (item.strategy === "multipart") return { item, upload: multipartTarget(item) };
  return { item, upload: await signSingleAgain(item) };
}

const STARTING_POLL_MS = 200;
const STARTING_POLLS = 25;

/**
 * A retry that overtook its first request (the client saw the connection drop while the server
 * was still starting the multipart upload): waits a few seconds for the first request to finish.
 */
async function whenStarted(item: FileItem): Promise<FileItem> {
  const started = (latest: FileItem) => Boolean(latest.uploadId) || latest.status !== "pending";
  // The first read is the caller's own: wait before reading again, as the first request is still at work.
  const current = await waitForFileItem(item, (latest) => latest !== item && started(latest), { polls: STARTING_POLLS, intervalMs: STARTING_POLL_MS });
  if (current !== item && started(current)) return current;
  throw new AppError("conflict", "The upload created with this idempotency key did not start; try again with a new key.");
}

function startOrResume(plan: PlannedFileItem, { item, existing }: StoredFileItem): Promise<CreatedUpload> {
  return existing ? resumeStored(plan, item) : startUpload(item);
}

/**
 * createFileItems within USER_QUOTA_BYTES. When the quota refuses some, the owner's staging holds
 * whose forms have expired are released (staging-holds.ts) and, if any was, those are tried once more.
 */
async function storeWithinQuota(rows: PlannedFileItem[]): Promise<Array<StoredFileItem | null>> {
  const quotaBytes = getEnv().USER_QUOTA_BYTES;
  const stored = await createFileItems({ rows, quotaBytes });
  const refused = rows.filter((_, i) => stored[i] === null);
  if (refused.length === 0 || !(await releaseStagingHolds({ ownerId: refused[0]!.userId }))) return stored;
  const retried = (await createFileItems({ rows: refused, quotaBytes })).values();
  return stored.map((entry) => entry ?? retried.next().value ?? null);
}

/**
 * Stores planned file items of one owner and starts their uploads: one INSERT for all, within the owner's
 * quota when USER_QUOTA_BYTES is set (the file items first, they hold the quota), then each is signed or
 * started. Per entry, in order: the upload, or the error that entry alone met (its planning error,
 * passed through, the quota's 413, storage).
 */
export async function createUploads(plans: Array<PlannedFileItem | Error>): Promise<Array<CreatedUpload | Error>> {
  const planned = plans.filter((plan): plan is PlannedFileItem => !(plan instanceof Error));
  const stored = (await storeWithinQuota(planned)).values();
  return Promise.all(
    plans.map((plan) => {
      if (plan instanceof Error) return plan;
      const entry = stored.next().value;
      if (!entry) return new AppError("quota_exceeded", QUOTA_MESSAGE);
      return startOrResume(plan, entry).catch((err: unknown) => asError(err));
    }),
  );
}

/** createUploads for one planned file item, its error thrown. */
export async function createUpload(plan: PlannedFileItem): Promise<CreatedUpload> {
  const [outcome] = await createUploads([plan]);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

/** Spends one request and one file per planned one (refused files cost nothing), before anything is stored or signed; then createUploads. */
async function spendAndCreate(userId: string, plans: Array<PlannedFileItem | Error>): Promise<Array<CreatedUpload | Error>> {
  await enforceUploadLimits(userId, plans.filter((plan) => !(plan instanceof Error)).length);
  return createUploads(plans);
}

/** POST /api/uploads/batch: each file planned, then spendAndCreate. Per file, in order: its upload or its error. */
export function requestUploads(userId: string, files: CreateUploadBody[]): Promise<Array<CreatedUpload | Error>> {
  const plans = files.map((file) => {
    try {
      return planUpload(userId, file);
    } catch (err) {
      return asError(err);
    }
  });
  return spendAndCreate(userId, plans);
}

/**
 * POST /api/uploads: the batch pipeline for one file, its error thrown. A file the upload rules
 * refuse is refused before any budget is spent (a batch is one request, spent even then).
 */
export async function requestUpload(userId: string, file: CreateUploadBody): Promise<CreatedUpload> {
  const [outcome] = await spendAndCreate(userId, [planUpload(userId, file)]);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}
