import "server-only";
import { and, asc, eq, gt, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import type { Database } from "@/db/driver";
import { fileItems, users, type FileItem, type FileStatus, type NewFileItem } from "@/db/schema";
import { escapeLike, sumFileBytes } from "@/db/sql";

export async function createFileItem(input: NewFileItem): Promise<FileItem> {
  const db = await getDb();
  const [item] = await db.insert(fileItems).values(input).returning();
  if (!item) throw new Error("insert into file_items returned no row");
  return item;
}

/** The columns POST /api/uploads sets; the rest take their defaults (pending, now). */
export type PlannedFileItem = Pick<NewFileItem, "userId" | "name" | "key" | "size" | "contentType" | "strategy"> & {
  id: string;
  /** Null for a file outside any folder: every row of a batch names it, so none falls back to a default. */
  path: string | null;
  partSize?: number | null;
  idempotencyKey?: string | null;
};

/** A create's row: the one inserted now, or (`existing`) the one an earlier request with the same idempotency key stored. */
export type StoredFileItem = { item: FileItem; existing: boolean };

const idempotencyTarget = [fileItems.userId, fileItems.idempotencyKey];

const insertPlannedFileItem = preparedQuery((db) =>
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
      idempotencyKey: sql.placeholder("idempotencyKey"),
    })
    .onConflictDoNothing({ target: idempotencyTarget })
    .returning()
    .prepare("insert_planned_file_item"),
);

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
 * Each planned row as stored: the row `inserted` for it, else the row stored under its key (by
 * an earlier request, or by a row before it in the same batch), else null (not stored).
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

/** Without a quota every row is stored, new or under its key; a missing one is a bug, not an answer. */
function allStored(stored: Array<StoredFileItem | null>): StoredFileItem[] {
  return stored.map((entry) => {
    if (!entry) throw new Error("insert into file_items returned no row");
    return entry;
  });
}

const keysOf = (rows: PlannedFileItem[]) => rows.flatMap((row) => (row.idempotencyKey ? [row.idempotencyKey] : []));

/** createFileItem for the row of a new upload, prepared because every upload runs it. */
export async function createPlannedFileItem(input: PlannedFileItem): Promise<StoredFileItem> {
  const inserted = await (await insertPlannedFileItem()).execute({ ...input, partSize: input.partSize ?? null, idempotencyKey: input.idempotencyKey ?? null });
  const earlier = inserted.length > 0 ? new Map() : await itemsByIdempotencyKey(await getDb(), input.userId, keysOf([input]));
  return allStored(matchStored([input], inserted, earlier))[0]!;
}

/** Bytes that count against a quota: everything uploaded plus everything still on its way (previews included, see sumFileBytes). */
const COUNTED_STATUSES = ["pending", "completing", "uploaded"] as const;

/** Rows of new uploads (one owner) in one statement, a batch create; in the order given. */
export async function createPlannedFileItems(rows: PlannedFileItem[]): Promise<StoredFileItem[]> {
  const userId = rows[0]?.userId;
  if (!userId) return [];
  const db = await getDb();
  const inserted = await db.insert(fileItems).values(rows).onConflictDoNothing({ target: idempotencyTarget }).returning();
  const earlier = inserted.length < rows.length ? await itemsByIdempotencyKey(db, userId, keysOf(rows)) : new Map();
  return allStored(matchStored(rows, inserted, earlier));
}

/**
 * Inserts, in order, each row that keeps the owner's uploaded plus pending bytes within
 * `quotaBytes` (all rows belong to one owner); a row that would not fit is null in the answer and
 * later smaller rows may still fit. A row whose idempotency key was used before is that earlier
 * row (already counted). Locking the user's row makes concurrent checks take turns, so two
 * requests can never both slip under the quota.
 */
export async function createFileItemsWithinQuota(rows: PlannedFileItem[], quotaBytes: number): Promise<Array<StoredFileItem | null>> {
  const userId = rows[0]?.userId;
  if (!userId) return [];
  if (rows.some((row) => row.userId !== userId)) throw new Error("a quota batch must belong to one user");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
    const earlier = await itemsByIdempotencyKey(tx, userId, keysOf(rows));
    let used = await sumFileBytes(tx, and(eq(fileItems.userId, userId), inArray(fileItems.status, [...COUNTED_STATUSES])));
    // Keys already stored, or taken by a row before this one in the batch: that row, not a new one.
    const taken = new Set(earlier.keys());
    const fitting = rows.filter((candidate) => {
      if (candidate.idempotencyKey && taken.has(candidate.idempotencyKey)) return false;
      if (used + candidate.size > quotaBytes) return false;
      used += candidate.size;
      if (candidate.idempotencyKey) taken.add(candidate.idempotencyKey);
      return true;
    });
    const inserted = fitting.length > 0 ? await tx.insert(fileItems).values(fitting).returning() : [];
    return matchStored(rows, inserted, earlier);
  });
}

/** createFileItemsWithinQuota for one row; null when it would not fit. */
export async function createFileItemWithinQuota(input: PlannedFileItem, quotaBytes: number): Promise<StoredFileItem | null> {
  const [stored] = await createFileItemsWithinQuota([input], quotaBytes);
  return stored ?? null;
}

export async function setFileUploadId({ id, uploadId }: { id: string; uploadId: string }): Promise<FileItem> {
  const db = await getDb();
  const [item] = await db.update(fileItems).set({ uploadId }).where(eq(fileItems.id, id)).returning();
  if (!item) throw new Error("file row vanished while starting its multipart upload");
  return item;
}

const fileItemById = preparedQuery((db) =>
  db
    .select()
    .from(fileItems)
    .where(and(eq(fileItems.id, sql.placeholder("id")), eq(fileItems.userId, sql.placeholder("ownerId"))))
    .limit(1)
    .prepare("get_file_item_by_id"),
);

/** Scoped by owner: another user's row is indistinguishable from a missing one. */
export async function getFileItemById({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  const [item] = await (await fileItemById()).execute({ id, ownerId });
  return item ?? null;
}

/** The caller's rows among `ids`, in one statement (a batch complete reads all of its rows at once). */
export async function getOwnedFileItems({ ids, ownerId }: { ids: string[]; ownerId: string }): Promise<FileItem[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(and(inArray(fileItems.id, ids), eq(fileItems.userId, ownerId)));
}

/** A preview's columns as an UPDATE sets them: values, or SQL deciding per row. */
type PreviewColumns = { previewSize?: number | null | SQL; previewType?: string | null | SQL };

/** moveStatus for many rows in one statement: the rows among `ids` still `from` move; those are returned. */
async function moveStatuses(
  where: { ids: string[]; ownerId: string; from: FileStatus },
  set: Partial<Pick<FileItem, "status" | "checksum" | "uploadedAt">> & PreviewColumns & { status: FileStatus },
): Promise<FileItem[]> {
  if (where.ids.length === 0) return [];
  const db = await getDb();
  return db
    .update(fileItems)
    .set(set)
    .where(and(inArray(fileItems.id, where.ids), eq(fileItems.userId, where.ownerId), eq(fileItems.status, where.from)))
    .returning();
}

/** claimFileCompletion for a batch: the rows this call won (pending → completing). */
export function claimFileCompletions({ ids, ownerId }: { ids: string[]; ownerId: string }): Promise<FileItem[]> {
  return moveStatuses({ ids, ownerId, from: "pending" }, { status: "completing" });
}

/**
 * markFileUploaded for a batch of POST uploads whose stored size the caller found equal to the
 * row's (so the size stays) and which carry no checksum: the rows that were still this call's claim.
 * The rows among `withPreview` keep their preview (checked and copied); every other row's is dropped.
 */
export function markFilesUploaded({ ids, ownerId, withPreview }: { ids: string[]; ownerId: string; withPreview: string[] }): Promise<FileItem[]> {
  const kept = withPreview.length > 0 ? inArray(fileItems.id, withPreview) : sql`false`;
  return moveStatuses(
    { ids, ownerId, from: "completing" },
    {
      status: "uploaded",
      checksum: null,
      uploadedAt: new Date(),
      previewSize: sql`case when ${kept} then ${fileItems.previewSize} end`,
      previewType: sql`case when ${kept} then ${fileItems.previewType} end`,
    },
  );
}

/** One guarded status change: the row moves only if it is still `from`, so of two racing requests one wins. */
async function moveStatus(
  where: { id: string; ownerId: string; from: FileStatus; updatedBefore?: Date },
  set: Partial<Pick<FileItem, "status" | "size" | "checksum" | "uploadedAt" | "updatedAt">> & PreviewColumns & { status: FileStatus },
): Promise<FileItem | null> {
  const db = await getDb();
  const [item] = await db
    .update(fileItems)
    .set(set)
    .where(
      and(
        eq(fileItems.id, where.id),
        eq(fileItems.userId, where.ownerId),
        eq(fileItems.status, where.from),
        where.updatedBefore ? lt(fileItems.updatedAt, where.updatedBefore) : undefined,
      ),
    )
    .returning();
  return item ?? null;
}

/** Pending → completing: the one complete that gets the row back does the work; null for every other. */
export function claimFileCompletion({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveStatus({ id, ownerId, from: "pending" }, { status: "completing" });
}

/**
 * Completing → pending: the complete found nothing to finish yet (or storage failed); the client
 * may retry. `updatedAt` puts back the pending row's own, so a refused complete leaves it as it was.
 */
export function releaseFileCompletion({ id, ownerId, updatedAt }: { id: string; ownerId: string; updatedAt: Date }): Promise<FileItem | null> {
  return moveStatus({ id, ownerId, from: "completing" }, { status: "pending", updatedAt });
}

/**
 * Completing → uploaded with the size S3 reported. `preview`: the planned preview was checked and
 * copied, so the row keeps it; otherwise the plan is dropped in the same UPDATE. Null when the row
 * is no longer the caller's claim (cleanup gave up on it), so the bytes just stored must go.
 */
export function markFileUploaded(input: { id: string; ownerId: string; size: number; checksum?: string | null; preview: boolean }): Promise<FileItem | null> {
  const dropped = input.preview ? {} : { previewSize: null, previewType: null };
  return moveStatus(
    { id: input.id, ownerId: input.ownerId, from: "completing" },
    { status: "uploaded", size: input.size, checksum: input.checksum ?? null, uploadedAt: new Date(), ...dropped },
  );
}

/**
 * Records a pending upload's planned preview (replacing an earlier plan): null when the row is
 * not (or no longer) the owner's pending upload, "quota_exceeded" when the preview's bytes would
 * take the owner past `quotaBytes`. With a quota the owner's row is locked as for creates, so a
 * preview and a create never both slip under it.
 */
export async function planFilePreview(input: {
  id: string;
  ownerId: string;
  previewSize: number;
  previewType: string;
  quotaBytes?: number;
}): Promise<FileItem | "quota_exceeded" | null> {
  const guarded = and(eq(fileItems.id, input.id), eq(fileItems.userId, input.ownerId), eq(fileItems.status, "pending"));
  const plan = { previewSize: input.previewSize, previewType: input.previewType };
  const db = await getDb();
  if (input.quotaBytes === undefined) {
    const [item] = await db.update(fileItems).set(plan).where(guarded).returning();
    return item ?? null;
  }
  const quota = input.quotaBytes;
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, input.ownerId)).for("update");
    // The bytes counted without this row's current plan, which the new one replaces.
    const others = and(eq(fileItems.userId, input.ownerId), inArray(fileItems.status, [...COUNTED_STATUSES]));
    const [row] = await tx.select({ previewSize: fileItems.previewSize }).from(fileItems).where(guarded);
    if (!row) return null;
    const used = await sumFileBytes(tx, others);
    if (used - (row.previewSize ?? 0) + input.previewSize > quota) return "quota_exceeded";
    const [item] = await tx.update(fileItems).set(plan).where(guarded).returning();
    return item ?? null;
  });
}

/** The stored bytes contradicted the declared type: the row is kept, as a record, but never listed. */
export function markFileRejected({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveStatus({ id, ownerId, from: "completing" }, { status: "rejected" });
}

/** Pending → aborted (a cancel, or cleanup giving up); null when the row was not pending, so nothing may be removed. */
export function markFileAborted({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveStatus({ id, ownerId, from: "pending" }, { status: "aborted" });
}

/** Completing since before `updatedBefore` (its complete crashed) → aborted, for cleanup. */
export function markStaleCompletionAborted({ id, ownerId, updatedBefore }: { id: string; ownerId: string; updatedBefore: Date }): Promise<FileItem | null> {
  return moveStatus({ id, ownerId, from: "completing", updatedBefore }, { status: "aborted" });
}

/**
 * What cleanup gives up on, oldest first: uploads pending since before `pendingBefore`, and
 * completes that claimed a row before `completingBefore` and never finished (a crash).
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

/** Rows by S3 key, across owners: cleanup matches the bucket's uploads against them. */
export async function getFileItemsByKeys({ keys }: { keys: string[] }): Promise<FileItem[]> {
  if (keys.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(inArray(fileItems.key, keys));
}

/** Rows by id, across owners: cleanup matches staging objects against them. */
export async function getFileItemsByIds({ ids }: { ids: string[] }): Promise<FileItem[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(inArray(fileItems.id, ids));
}

/** Statuses whose row owns no bytes: anything still stored for it is removed. */
export const ENDED_STATUSES = ["aborted", "rejected", "deleted"] as const satisfies readonly FileStatus[];

/**
 * Rows that ended (cancelled, rejected, deleted) since `since`, a page at a time after `after`
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

/** Rows whose key starts with `prefix` (keys are `u/<userId>/…`), any status: for the consistency check. */
export async function listFileItemsByKeyPrefix({ prefix }: { prefix: string }): Promise<FileItem[]> {
  const db = await getDb();
  return db.select().from(fileItems).where(sql`${fileItems.key} like ${escapeLike(prefix) + "%"}`);
}
