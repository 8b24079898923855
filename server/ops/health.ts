import "server-only";
import { pingDatabase } from "@/db/queries/health";
import { bucketReachable } from "@/server/storage/bucket";

export type Health = { ok: boolean; database: "ok" | "unreachable"; storage: "ok" | "unreachable" };

/** Are the database and the bucket reachable? No detail beyond that: the answer is public. */
export async function checkHealth(): Promise<Health> {
  const [database, storage] = await Promise.all([pingDatabase(), bucketReachable()]);
  return { ok: database && storage, database: database ? "ok" : "unreachable", storage: storage ? "ok" : "unreachable" };
}
