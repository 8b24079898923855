import "server-only";
import { and, asc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { fileItems, type FileItem } from "@/db/schema";
import { escapeLike } from "@/db/sql";
import { ENDED_STATUSES } from "./file-item-status";

/* What cleanup and the consistency check select: file items across owners, by age, status, key or id. */

/**
 * What cleanup gives up on, oldest first: file items pending since before `pendingBefore`, and
 * completes that claimed a file item before `completingBefore` and never finished (a crash).
 */
export async function listStaleUploads({ pendingBefore, completingBefore, limit }: { pendingBefore: Date; completingBefore: Date; limit: number }): Promise<FileItem[]> {
  const db = await getDb();
  return db
    .select()
    .from(fileItems)
    .where(
      or(
        and(eq(fileItems.status, "pending"), lt(fileItems.createdAt, pendingBefore)),
        and(eq(fileItems.status, "completing"), lt(fileItems.updatedAt, completingBefore)),
      ),
    )
    .orderBy(asc(fileItems.createdAt))
    .limit(limit);
}

/** File items by S3 key, across owners: cleanup matches the bucket's uploads against them. */
export async function getFileItemsByKeys({ keys }: { keys: string[] }): Promise<FileItem[]> {
  if (keys.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(inArray(fileItems.key, keys));
}

/** File items by id, across owners: cleanup matches staging objects against them. */
export async function getFileItemsByIds({ ids }: { ids: string[] }): Promise<FileItem[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(inArray(fileItems.id, ids));
}

/**
 * File items that ended (cancelled, rejected, deleted) since `since`, a page at a time after `after`
 * (updated_at, id): cleanup removes what is left of them once more (a failed DeleteObject, parts
 * in flight during an abort).
 */
export async function listRecentlyEndedFiles({ since, after, limit }: { since: Date; after?: { updatedAt: Date; id: string }; limit: number }): Promise<FileItem[]> {
  const db = await getDb();
  return db
    .select()
    .from(fileItems)
    .where(
      and(
        inArray(fileItems.status, [...ENDED_STATUSES]),
        gt(fileItems.updatedAt, since),
        after ? sql`(${fileItems.updatedAt}, ${fileItems.id}) > (${after.updatedAt}, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(fileItems.updatedAt), asc(fileItems.id))
    .limit(limit);
}

/** File items whose key starts with `prefix` (keys are `u/<userId>/…`), any status: for the consistency check. */
export async function listFileItemsByKeyPrefix({ prefix }: { prefix: string }): Promise<FileItem[]> {
  const db = await getDb();
  return db.select().from(fileItems).where(sql`${fileItems.key} like ${escapeLike(prefix) + "%"}`);
}
