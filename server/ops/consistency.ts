import "server-only";
import { listFileItemsByKeyPrefix } from "@/db/queries/file-items";
import { listMultipartUploads } from "@/server/storage/multipart";
import { listObjects } from "@/server/storage/objects";

export type ConsistencyReport = {
  /** `uploaded` rows whose object is missing or has another size. */
  missingObjects: Array<{ id: string; key: string; expectedSize: number; actualSize: number | null }>;
  /** Objects no uploaded or pending row accounts for. */
  orphanObjects: Array<{ key: string; size: number }>;
  /** Multipart uploads no pending row owns (stores that list by prefix only; MinIO lists none). */
  orphanMultipartUploads: Array<{ key: string; uploadId: string }>;
  checkedRows: number;
  checkedObjects: number;
};

export function isConsistent(report: ConsistencyReport): boolean {
  return report.missingObjects.length + report.orphanObjects.length + report.orphanMultipartUploads.length === 0;
}

/**
 * Compares the database with the bucket under `prefix`: every uploaded row has an object of its
 * size, and no object or multipart upload exists without a row. Reads only; fixes nothing.
 */
export async function checkConsistency(prefix = "u/"): Promise<ConsistencyReport> {
  const [rows, objects, uploads] = await Promise.all([listFileItemsByKeyPrefix({ prefix }), listObjects(prefix), listMultipartUploads(prefix)]);
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  const missingObjects = rows
    .filter((r) => r.status === "uploaded" && sizes.get(r.key) !== r.size)
    .map((r) => ({ id: r.id, key: r.key, expectedSize: r.size, actualSize: sizes.get(r.key) ?? null }));
  const accounted = new Set(rows.filter((r) => r.status === "uploaded" || r.status === "pending").map((r) => r.key));
  const orphanObjects = objects.filter((o) => !accounted.has(o.key));
  const live = new Set(rows.filter((r) => r.status === "pending" && r.uploadId).map((r) => `${r.key}\n${r.uploadId}`));
  const orphanMultipartUploads = (uploads ?? [])
    .filter((u) => !live.has(`${u.key}\n${u.uploadId}`))
    .map(({ key, uploadId }) => ({ key, uploadId }));
  return { missingObjects, orphanObjects, orphanMultipartUploads, checkedRows: rows.length, checkedObjects: objects.length };
}
