import "server-only";
import { getFileItemsByIds, listFileItemsByKeyPrefix } from "@/db/queries/file-item-sweeps";
import { listMultipartUploads } from "@/server/storage/multipart";
import { listObjects } from "@/server/storage/objects";
import { fileIdOfStagingKey, hasStoredPreview, previewKeyFor, servedKeysOf, stagingPrefixFor } from "@/server/uploads/object-keys";
import { isLiveStagingObject } from "./cleanup";

export type ConsistencyReport = {
  /** `uploaded` file items whose object (or stored preview, at `<key>.preview`) is missing or has another size. */
  missingObjects: Array<{ id: string; key: string; expectedSize: number; actualSize: number | null }>;
  /**
   * Objects no file item accounts for: a final-key object without an uploaded, completing or pending
   * file item (a preview's without one that stores or plans it), or a staging object without a live
   * owner (a file's without a pending or completing file item, a preview's without one of those or
   * an uploaded one whose plan is not yet stored).
   */
  orphanObjects: Array<{ key: string; size: number }>;
  /** Multipart uploads no pending file item owns (stores that list by prefix only; MinIO lists none). */
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
  const items = new Map((await getFileItemsByIds({ ids })).map((r) => [r.id, r]));
  const stray = objects.filter((o) => !isLiveStagingObject(o.key, items.get(fileIdOfStagingKey(o.key) ?? ""))).map(({ key, size }) => ({ key, size }));
  return { stray, checked: objects.length };
}

/**
 * Compares the database with the bucket under `prefix` (and the matching staging prefix): every
 * uploaded file item has an object of its size, and no object or multipart upload exists without a
 * file item that may own it. Reads only; fixes nothing.
 */
export async function checkConsistency(prefix = "u/"): Promise<ConsistencyReport> {
  const [items, objects, uploads, staging] = await Promise.all([
    listFileItemsByKeyPrefix({ prefix }),
    listObjects(prefix),
    listMultipartUploads(prefix),
    strayStagingObjects(prefix),
  ]);
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  // Each uploaded file's object, and its preview's when one is stored, at the recorded size.
  const expected = items
    .filter((r) => r.status === "uploaded")
    .flatMap((r) => [{ id: r.id, key: r.key, size: r.size }, ...(hasStoredPreview(r) ? [{ id: r.id, key: previewKeyFor(r), size: r.previewSize ?? 0 }] : [])]);
  const missingObjects = expected
    .filter((e) => sizes.get(e.key) !== e.size)
    .map((e) => ({ id: e.id, key: e.key, expectedSize: e.size, actualSize: sizes.get(e.key) ?? null }));
  // A live file item may own its served keys already (a complete copies before it marks the file item).
  const accounted = new Set(items.filter((r) => r.status === "uploaded" || LIVE.has(r.status)).flatMap(servedKeysOf));
  const orphanObjects = [...objects.filter((o) => !accounted.has(o.key)).map(({ key, size }) => ({ key, size })), ...staging.stray];
  const live = new Set(items.filter((r) => LIVE.has(r.status) && r.uploadId).map((r) => `${r.key}\n${r.uploadId}`));
  const orphanMultipartUploads = (uploads ?? [])
    .filter((u) => !live.has(`${u.key}\n${u.uploadId}`))
    .map(({ key, uploadId }) => ({ key, uploadId }));
  return { missingObjects, orphanObjects, orphanMultipartUploads, checkedRows: items.length, checkedObjects: objects.length + staging.checked };
}
