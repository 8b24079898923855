import "server-only";
import { getFileItemsByIds, listFileItemsByKeyPrefix } from "@/db/queries/file-items";
import { listMultipartUploads } from "@/server/storage/multipart";
import { listObjects } from "@/server/storage/objects";
import { fileIdOfStagingKey, stagingPrefixFor } from "@/server/uploads/object-keys";

export type ConsistencyReport = {
  /** `uploaded` rows whose object is missing or has another size. */
  missingObjects: Array<{ id: string; key: string; expectedSize: number; actualSize: number | null }>;
  /**
   * Objects no row accounts for: a final-key object without an uploaded, completing or pending
   * row, or a staging object without a pending or completing one.
   */
  orphanObjects: Array<{ key: string; size: number }>;
  /** Multipart uploads no pending row owns (stores that list by prefix only; MinIO lists none). */
  orphanMultipartUploads: Array<{ key: string; uploadId: string }>;
  checkedRows: number;
  checkedObjects: number;
};

export function isConsistent(report: ConsistencyReport): boolean {
  return report.missingObjects.length + report.orphanObjects.length + report.orphanMultipartUploads.length === 0;
}

const LIVE = new Set(["pending", "completing"]);

/** Staging objects under the staging prefix matching `prefix` whose upload is not live. */
async function strayStagingObjects(prefix: string): Promise<{ stray: Array<{ key: string; size: number }>; checked: number }> {
  const stagingPrefix = stagingPrefixFor(prefix);
  if (!stagingPrefix) return { stray: [], checked: 0 };
  const objects = await listObjects(stagingPrefix);
  const ids = [...new Set(objects.flatMap((o) => fileIdOfStagingKey(o.key) ?? []))];
  const live = new Set((await getFileItemsByIds({ ids })).filter((r) => LIVE.has(r.status)).map((r) => r.id));
  const stray = objects.filter((o) => !live.has(fileIdOfStagingKey(o.key) ?? "")).map(({ key, size }) => ({ key, size }));
  return { stray, checked: objects.length };
}

/**
 * Compares the database with the bucket under `prefix` (and the matching staging prefix): every
 * uploaded row has an object of its size, and no object or multipart upload exists without a
 * row that may own it. Reads only; fixes nothing.
 */
export async function checkConsistency(prefix = "u/"): Promise<ConsistencyReport> {
  const [rows, objects, uploads, staging] = await Promise.all([
    listFileItemsByKeyPrefix({ prefix }),
    listObjects(prefix),
    listMultipartUploads(prefix),
    strayStagingObjects(prefix),
  ]);
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  const missingObjects = rows
    .filter((r) => r.status === "uploaded" && sizes.get(r.key) !== r.size)
    .map((r) => ({ id: r.id, key: r.key, expectedSize: r.size, actualSize: sizes.get(r.key) ?? null }));
  const accounted = new Set(rows.filter((r) => r.status === "uploaded" || LIVE.has(r.status)).map((r) => r.key));
  const orphanObjects = [...objects.filter((o) => !accounted.has(o.key)).map(({ key, size }) => ({ key, size })), ...staging.stray];
  const live = new Set(rows.filter((r) => LIVE.has(r.status) && r.uploadId).map((r) => `${r.key}\n${r.uploadId}`));
  const orphanMultipartUploads = (uploads ?? [])
    .filter((u) => !live.has(`${u.key}\n${u.uploadId}`))
    .map(({ key, uploadId }) => ({ key, uploadId }));
  return { missingObjects, orphanObjects, orphanMultipartUploads, checkedRows: rows.length, checkedObjects: objects.length + staging.checked };
}
