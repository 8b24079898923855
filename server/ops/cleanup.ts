import "server-only";
import { getFileItemsByKeys, listRecentlyAbortedMultipart, listStalePendingFiles, markFileAborted } from "@/db/queries/file-items";
import { getEnv } from "@/lib/env";
import { abortMultipartUpload, listMultipartUploads } from "@/server/storage/multipart";
import { deleteObject } from "@/server/storage/objects";

export type CleanupReport = {
  staleUploadsAborted: number;
  cancelledUploadsReAborted: number;
  orphanMultipartUploadsAborted: number;
};

/** Rows handled per step and run; cron runs again, so a backlog drains over a few runs. */
const BATCH = 500;
const HOUR_MS = 3_600_000;

/**
 * 1. Gives up on uploads pending longer than STALE_UPLOAD_HOURS (aborting the multipart upload or
 *    removing a partial object).
 * 2. Aborts uploads cancelled in the last day once more: S3 says parts in flight during an abort
 *    may still land, so one abort is not always enough.
 * 3. Aborts multipart uploads no row owns (a crash between CreateMultipartUpload and recording its id).
 *    MinIO lists uploads only by exact key, so this finds nothing there; MinIO expires stale
 *    uploads itself (MINIO_API_STALE_UPLOADS_EXPIRY).
 * Every step is idempotent, so overlapping runs are harmless.
 */
export async function cleanupStaleUploads(now = new Date()): Promise<CleanupReport> {
  const olderThan = new Date(now.getTime() - getEnv().STALE_UPLOAD_HOURS * HOUR_MS);
  let staleUploadsAborted = 0;
  for (const item of await listStalePendingFiles({ olderThan, limit: BATCH })) {
    if (item.strategy === "multipart" && item.uploadId) await abortMultipartUpload(item.key, item.uploadId);
    await deleteObject(item.key);
    if (await markFileAborted({ id: item.id, ownerId: item.userId })) staleUploadsAborted++;
  }

  const cancelled = await listRecentlyAbortedMultipart({ since: new Date(now.getTime() - 24 * HOUR_MS), limit: BATCH });
  for (const item of cancelled) await abortMultipartUpload(item.key, item.uploadId!);

  let orphanMultipartUploadsAborted = 0;
  const uploads = (await listMultipartUploads("u/")) ?? [];
  const rows = await getFileItemsByKeys({ keys: [...new Set(uploads.map((u) => u.key))] });
  const live = new Set(rows.filter((r) => r.status === "pending").map((r) => `${r.key}\n${r.uploadId}`));
  for (const upload of uploads) {
    if (live.has(`${upload.key}\n${upload.uploadId}`)) continue;
    // Just created and not yet recorded (S3 first, then the row): leave it for a later run.
    if (!upload.initiated || now.getTime() - upload.initiated.getTime() < HOUR_MS) continue;
    await abortMultipartUpload(upload.key, upload.uploadId);
    orphanMultipartUploadsAborted++;
  }
  return { staleUploadsAborted, cancelledUploadsReAborted: cancelled.length, orphanMultipartUploadsAborted };
}
