import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import type { Database } from "@/db/driver";
import { fileItems, type FileItem, type NewFileItem } from "@/db/schema";
import { lockQuotaUsage, newFileItemCharge } from "./file-item-quota";

/** The columns a create sets; the rest take their defaults (pending, now). */
export type PlannedFileItem = Pick<NewFileItem, "userId" | "name" | "key" | "size" | "contentType" | "strategy"> & {
  id: string;
  /** A PUT upload's CRC32, which its URL signs (`CRC32:<base64>`), or the SHA-256 a POST upload's form binds (`SHA256:<base64>`). */
  checksum?: string | null;
  /** A POST upload's staging hold: when the form signed right after the insert expires (file-item-quota.ts); null for multipart. */
  formExpiresAt?: Date | null;
  /** Null for a file outside any folder: every file item of a batch names it, so none falls back to a default. */
  path: string | null;
  partSize?: number | null;
  idempotencyKey?: string | null;
};

/** A create's file item: the one inserted now, or (`existing`) the one an earlier request with the same idempotency key stored. */
export type StoredFileItem = { item: FileItem; existing: boolean };

const idempotencyTarget = [fileItems.userId, fileItems.idempotencyKey];

/** The INSERT of one file item, prepared because every single create (and every signing benchmark) runs it. */
const insertOneFileItem = preparedQuery((db) =>
  db
    .insert(fileItems)
    .values({
      id: sql.placeholder("id"),
      userId: sql.placeholder("userId"),
      name: sql.placeholder("name"),
      path: sql.placeholder("path"),
      key: sql.placeholder("key"),
      size: sql.placeholder("size"),
      contentType: sql.placeholder("contentType"),
      strategy: sql.placeholder("strategy"),
      partSize: sql.placeholder("partSize"),
      checksum: sql.placeholder("checksum"),
      idempotencyKey: sql.placeholder("idempotencyKey"),
      // Cast here: the column's own encoder would call toISOString() on a multipart upload's null.
      formExpiresAt: sql`${sql.placeholder("formExpiresAt")}::timestamptz`,
    })
    .onConflictDoNothing({ target: idempotencyTarget })
    .returning()
    .prepare("insert_planned_file_item"),
);

/** Inserts `rows`, skipping any whose idempotency key the owner already used; the file items inserted. */
async function insertFileItems(rows: PlannedFileItem[]): Promise<FileItem[]> {
  if (rows.length === 1) {
    const row = rows[0]!;
    return (await insertOneFileItem()).execute({ ...row, partSize: row.partSize ?? null, checksum: row.checksum ?? null, idempotencyKey: row.idempotencyKey ?? null, formExpiresAt: row.formExpiresAt?.toISOString() ?? null });
  }
  const db = await getDb();
  return db.insert(fileItems).values(rows).onConflictDoNothing({ target: idempotencyTarget }).returning();
}

/** The owner's rows stored under these idempotency keys, by key. */
async function itemsByIdempotencyKey(db: Pick<Database, "select">, userId: string, keys: string[]): Promise<Map<string, FileItem>> {
  if (keys.length === 0) return new Map();
  const items = await db
    .select()
    .from(fileItems)
    .where(and(eq(fileItems.userId, userId), inArray(fileItems.idempotencyKey, keys)));
  return new Map(items.map((item) => [item.idempotencyKey!, item]));
}

/**
 * Each planned file item as stored: the file item `inserted` for it, else the file item stored under its key (by
 * an earlier request, or by a file item before it in the same batch), else null (not stored).
 */
function matchStored(rows: PlannedFileItem[], inserted: FileItem[], earlier: Map<string, FileItem>): Array<StoredFileItem | null> {
  const byId = new Map(inserted.map((item) => [item.id, item]));
  const byKey = new Map(earlier);
  for (const item of inserted) if (item.idempotencyKey) byKey.set(item.idempotencyKey, item);
  return rows.map((row) => {
    const item = byId.get(row.id);
    if (item) return { item, existing: false };
    const before = row.idempotencyKey ? byKey.get(row.idempotencyKey) : undefined;
    return before ? { item: before, existing: true } : null;
  });
}

const keysOf = (rows: PlannedFileItem[]) => rows.flatMap((row) => (row.idempotencyKey ? [row.idempotencyKey] : []));

/**
 * File items of new uploads (one owner), in one INSERT, answered in the order given: each file item as
 * stored (new, or the earlier file item under its idempotency key, already counted), or null for a file item
 * that would take the owner past `quotaBytes` (later smaller file items may still fit); a POST
 * upload counts twice its size while its form's staging hold lasts (file-item-quota.ts). Without a quota
 * every file item is stored. With one, the quota rule (file-item-quota.ts) makes concurrent creates take
 * turns, so two requests can never both slip under it.
 */
export async function createFileItems({ rows, quotaBytes }: { rows: PlannedFileItem[]; quotaBytes?: number }): Promise<Array<StoredFileItem | null>> {
  const userId = rows[0]?.userId;
  if (!userId) return [];
  if (rows.some((row) => row.userId !== userId)) throw new Error("a create's rows must belong to one user");
  const db = await getDb();
  if (quotaBytes === undefined) {
    const inserted = await insertFileItems(rows);
    const earlier = inserted.length < rows.length ? await itemsByIdempotencyKey(db, userId, keysOf(rows)) : new Map<string, FileItem>();
    const stored = matchStored(rows, inserted, earlier);
    if (stored.includes(null)) throw new Error("insert into file_items returned no row");
    return stored;
  }
  return db.transaction(async (tx) => {
    let used = await lockQuotaUsage(tx, userId);
    const earlier = await itemsByIdempotencyKey(tx, userId, keysOf(rows));
    // Keys already stored, or taken by a file item before this one in the batch: that file item, not a new one.
    const taken = new Set(earlier.keys());
    const fitting = rows.filter((candidate) => {
      if (candidate.idempotencyKey && taken.has(candidate.idempotencyKey)) return false;
      const charge = newFileItemCharge(candidate);
      if (used + charge > quotaBytes) return false;
      used += charge;
      if (candidate.idempotencyKey) taken.add(candidate.idempotencyKey);
      return true;
    });
    const inserted = fitting.length > 0 ? await tx.insert(fileItems).values(fitting).returning() : [];
    return matchStored(rows, inserted, earlier);
  });
}
