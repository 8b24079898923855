import "server-only";
import { markFileAborted, markStaleCompletionAborted } from "@/db/queries/file-item-status";
import { dropExpiredPreviewPlans } from "@/db/queries/file-item-previews";
import { getFileItemsByIds, getFileItemsByKeys, listRecentlyEndedFiles, listStaleUploads } from "@/db/queries/file-item-sweeps";
import { deleteOldUserSessions } from "@/db/queries/user-sessions";
import { SESSION_MAX_AGE_SECONDS } from "@/server/auth/sessions";
import type { FileItem } from "@/db/schema";
import { getEnv, MAX_UPLOAD_URL_TTL_SECONDS } from "@/server/env";
import { abortMultipartUpload, listMultipartUploads } from "@/server/storage/multipart";
import { deleteObject, listObjects } from "@/server/storage/objects";
import { discardObjects, discardUpload, discardUploads } from "@/server/uploads/discard";
import { releaseStagingHolds } from "@/server/uploads/staging-holds";
import { FINAL_PREFIX, fileIdOfStagingKey, hasPreview, isPreviewStagingKey, previewKeyFor, previewStagingKeyFor, STAGING_PREFIX } from "@/server/uploads/object-keys";

export type CleanupReport = {
  staleUploadsAborted: number;
  cancelledUploadsReAborted: number;
  endedUploadsSwept: number;
  expiredPreviewPlansDropped: number;
  stagingObjectsRemoved: number;
  orphanMultipartUploadsAborted: number;
  stagingHoldsReleased: number;
  sessionsDropped: number;
};

/** File items handled per step and run; cron runs again, so a backlog drains over a few runs. */
const BATCH = 500;
const HOUR_MS = 3_600_000;
/** A complete claims its file item for seconds; one still claimed after this crashed. */
export const STALE_COMPLETING_MS = 15 * 60_000;
/** The longest a POST form lives. */
const MAX_FORM_AGE_MS = MAX_UPLOAD_URL_TTL_SECONDS * 1000;
/** Statuses whose staging object may still be read by a complete. */
const LIVE_STATUSES: ReadonlySet<string> = new Set(["pending", "completing"]);
/**
 * A preview plan never stored is dropped this long after its form was signed: every form has
 * expired by then, and a complete of the last bytes posted has had as long as a file's to finish.
 */
export const PREVIEW_PLAN_TTL_MS = MAX_FORM_AGE_MS + STALE_COMPLETING_MS;

/**
 * Whether a staging object may still be read by a complete: a file's while its file item is pending
 * or completing, a preview's while its uploaded file item has a plan not yet stored.
 */
export function isLiveStagingObject(key: string, item: FileItem | undefined): boolean {
  if (!item) return false;
  if (isPreviewStagingKey(key) && item.status === "uploaded") return hasPreview(item) && item.previewStoredAt === null;
  return LIVE_STATUSES.has(item.status);
}

/** Pending for STALE_UPLOAD_HOURS, or completing for 15 minutes: aborted (guarded), then its storage removed. */
async function abortStaleUploads(now: Date): Promise<number> {
  const pendingBefore = new Date(now.getTime() - getEnv().STALE_UPLOAD_HOURS * HOUR_MS);
  const completingBefore = new Date(now.getTime() - STALE_COMPLETING_MS);
  let aborted = 0;
  for (const item of await listStaleUploads({ pendingBefore, completingBefore, limit: BATCH })) {
    const owner = { id: item.id, ownerId: item.userId };
    const moved = item.status === "pending" ? await markFileAborted(owner) : await markStaleCompletionAborted({ ...owner, updatedBefore: completingBefore });
    // Only the run that moved the file item touches storage: a complete that claimed it first keeps it.
    if (!moved) continue;
    await discardUpload(moved);
    aborted++;
  }
  return aborted;
}

/**
 * File items that ended in the last day (cancelled, rejected, deleted): what is left of them goes once
 * more. S3 says parts in flight during an abort may still land, and a DeleteObject that failed
 * when the file item ended (the file item moves first) is retried here.
 */
async function sweepEndedUploads(now: Date): Promise<{ swept: number; reAborted: number }> {
  const since = new Date(now.getTime() - 24 * HOUR_MS);
  let swept = 0;
  let reAborted = 0;
  let after: FileItem | undefined;
  for (;;) {
    const page = await listRecentlyEndedFiles({ since, after, limit: BATCH });
    await discardUploads(page);
    reAborted += page.filter((item) => item.status === "aborted" && item.strategy === "multipart" && item.uploadId).length;
    swept += page.length;
    after = page.at(-1);
    if (page.length < BATCH) return { swept, reAborted };
  }
}

/**
 * Preview plans whose forms expired long ago and that were never stored: dropped (their bytes leave
 * the quota, the file item wants a preview again), then whatever was posted or copied for them goes.
 */
async function dropExpiredPlans(now: Date): Promise<number> {
  const dropped = await dropExpiredPreviewPlans({ plannedBefore: new Date(now.getTime() - PREVIEW_PLAN_TTL_MS), limit: BATCH });
  await discardObjects(
    dropped,
    dropped.flatMap((item) => [previewStagingKeyFor(item), previewKeyFor(item)]),
  );
  return dropped.length;
}

/**
 * Staging objects (files' and previews') outside a live upload: its file item is cancelled, rejected,
 * deleted or uploaded (a signed form posted again; for a preview, once it is stored or its plan
 * dropped), or it has no file item and its form has expired.
 */
async function removeStrayStagingObjects(now: Date): Promise<number> {
  const objects = await listObjects(STAGING_PREFIX);
  const ids = [...new Set(objects.flatMap((o) => fileIdOfStagingKey(o.key) ?? []))];
  const items = new Map<string, FileItem>();
  for (let i = 0; i < ids.length; i += BATCH) {
    for (const item of await getFileItemsByIds({ ids: ids.slice(i, i + BATCH) })) items.set(item.id, item);
  }
  let removed = 0;
  for (const object of objects) {
    const id = fileIdOfStagingKey(object.key);
    const item = id ? items.get(id) : undefined;
    if (isLiveStagingObject(object.key, item)) continue;
    if (!item && (!object.lastModified || now.getTime() - object.lastModified.getTime() < MAX_FORM_AGE_MS)) continue;
    await deleteObject(object.key);
    removed++;
  }
  return removed;
}

/** Multipart uploads no live file item owns (a crash between CreateMultipartUpload and recording its id). */
async function abortOrphanMultipartUploads(now: Date): Promise<number> {
  let aborted = 0;
  const uploads = (await listMultipartUploads(FINAL_PREFIX)) ?? [];
  const items = await getFileItemsByKeys({ keys: [...new Set(uploads.map((u) => u.key))] });
  const live = new Set(items.filter((r) => LIVE_STATUSES.has(r.status)).map((r) => `${r.key}\n${r.uploadId}`));
  for (const upload of uploads) {
    if (live.has(`${upload.key}\n${upload.uploadId}`)) continue;
    // Just created and not yet recorded (S3 first, then the file item): leave it for a later run.
    if (!upload.initiated || now.getTime() - upload.initiated.getTime() < HOUR_MS) continue;
    await abortMultipartUpload(upload.key, upload.uploadId);
    aborted++;
  }
  return aborted;
}

/** A session's cookie lives SESSION_MAX_AGE_SECONDS past its last use (recorded to the hour); an ended session is kept a day. */
const SESSION_IDLE_MS = SESSION_MAX_AGE_SECONDS * 1000 + 24 * HOUR_MS;
const ENDED_SESSION_KEPT_MS = 24 * HOUR_MS;

/** Sessions ended a day ago, or unused for longer than their cookie can live: no cookie can name them any more. */
function dropOldSessions(now: Date): Promise<number> {
  return deleteOldUserSessions({ endedBefore: new Date(now.getTime() - ENDED_SESSION_KEPT_MS), idleBefore: new Date(now.getTime() - SESSION_IDLE_MS) });
}

/**
 * 1. Gives up on file items pending longer than STALE_UPLOAD_HOURS, and on completes that crashed
 *    (claimed for 15 minutes): the guarded status change first, storage only for file items it moved.
 * 2. Removes, once more, what is left of file items that ended in the last day (cancelled, rejected,
 *    deleted): their multipart upload, final and staging objects.
 * 3. Drops preview plans never stored whose forms expired (PREVIEW_PLAN_TTL_MS), with their objects.
 * 4. Removes staging objects no live upload or preview plan owns (a signed form posted again after
 *    its upload ended; its form can't outlive 15 minutes, so this converges).
 * 5. Aborts multipart uploads no file item owns. MinIO lists uploads only by exact key, so this finds
 *    nothing there; MinIO expires stale uploads itself (MINIO_API_STALE_UPLOADS_EXPIRY).
 * 6. Releases staging holds whose forms expired (server/uploads/staging-holds.ts): their keys
 *    emptied once more, their bytes leave the quota.
 * 7. Drops sign-in sessions ended a day ago or idle past their cookie's lifetime.
 * Every step is idempotent, so overlapping runs are harmless.
 */
export async function cleanupStaleUploads(now = new Date()): Promise<CleanupReport> {
  const staleUploadsAborted = await abortStaleUploads(now);
  const ended = await sweepEndedUploads(now);
  const expiredPreviewPlansDropped = await dropExpiredPlans(now);
  const stagingObjectsRemoved = await removeStrayStagingObjects(now);
  const orphanMultipartUploadsAborted = await abortOrphanMultipartUploads(now);
  const stagingHoldsReleased = await releaseStagingHolds({ now });
  const sessionsDropped = await dropOldSessions(now);
  return {
    staleUploadsAborted,
    cancelledUploadsReAborted: ended.reAborted,
    endedUploadsSwept: ended.swept,
    expiredPreviewPlansDropped,
    stagingObjectsRemoved,
    orphanMultipartUploadsAborted,
    stagingHoldsReleased,
    sessionsDropped,
  };
}
