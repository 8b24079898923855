import "server-only";
import { and, asc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "./client";
import { fileItems, fileParts, users, type FileItem, type FilePart, type NewFileItem, type User } from "./schema";

/** Returns null when the email is taken (the unique index decides, so two racing sign-ups can't both win). */
export async function createUser(input: { email: string; name?: string | null; passwordHash: string | null }): Promise<User | null> {
  const db = await getDb();
  const [user] = await db
    .insert(users)
    .values({ email: input.email, name: input.name ?? null, passwordHash: input.passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return user ?? null;
}

export async function getUserByEmail({ email }: { email: string }): Promise<User | null> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user ?? null;
}

export async function getUserById({ id }: { id: string }): Promise<User | null> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}

export async function createFileItem(input: NewFileItem): Promise<FileItem> {
  const db = await getDb();
  const [item] = await db.insert(fileItems).values(input).returning();
  if (!item) throw new Error("insert into file_items returned no row");
  return item;
}

/** The columns POST /api/uploads sets; the rest take their defaults (pending, now). */
export type PlannedFileItem = Pick<NewFileItem, "userId" | "name" | "key" | "size" | "contentType" | "strategy"> & {
  id: string;
  partSize?: number | null;
};

const insertPlannedFileItem = preparedQuery((db) =>
  db
    .insert(fileItems)
    .values({
      id: sql.placeholder("id"),
      userId: sql.placeholder("userId"),
      name: sql.placeholder("name"),
      key: sql.placeholder("key"),
      size: sql.placeholder("size"),
      contentType: sql.placeholder("contentType"),
      strategy: sql.placeholder("strategy"),
      partSize: sql.placeholder("partSize"),
    })
    .returning()
    .prepare("insert_planned_file_item"),
);

/** createFileItem for the row of a new upload, prepared because every upload runs it. */
export async function createPlannedFileItem(input: PlannedFileItem): Promise<FileItem> {
  const [item] = await (await insertPlannedFileItem()).execute({ ...input, partSize: input.partSize ?? null });
  if (!item) throw new Error("insert into file_items returned no row");
  return item;
}

/** Bytes that count against a quota: everything uploaded plus everything still on its way. */
const COUNTED_STATUSES = ["pending", "uploaded"] as const;

/** Rows of new uploads in one statement (a batch create); in the order given. */
export async function createPlannedFileItems(rows: PlannedFileItem[]): Promise<FileItem[]> {
  if (rows.length === 0) return [];
  const db = await getDb();
  const items = await db.insert(fileItems).values(rows).returning();
  const byId = new Map(items.map((item) => [item.id, item]));
  return rows.map((row) => byId.get(row.id)!);
}

/**
 * Inserts, in order, each row that keeps the owner's uploaded plus pending bytes within
 * `quotaBytes` (all rows belong to one owner); a row that would not fit is null in the answer and
 * later smaller rows may still fit. Locking the user's row makes concurrent checks take turns, so
 * two requests can never both slip under the quota.
 */
export async function createFileItemsWithinQuota(rows: PlannedFileItem[], quotaBytes: number): Promise<Array<FileItem | null>> {
  const userId = rows[0]?.userId;
  if (!userId) return [];
  if (rows.some((row) => row.userId !== userId)) throw new Error("a quota batch must belong to one user");
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
    const [row] = await tx
      .select({ used: sql<string>`coalesce(sum(${fileItems.size}), 0)` })
      .from(fileItems)
      .where(and(eq(fileItems.userId, userId), inArray(fileItems.status, [...COUNTED_STATUSES])));
    let used = Number(row?.used ?? 0);
    const fitting = rows.filter((candidate) => {
      if (used + candidate.size > quotaBytes) return false;
      used += candidate.size;
      return true;
    });
    const items = fitting.length > 0 ? await tx.insert(fileItems).values(fitting).returning() : [];
    const byId = new Map(items.map((item) => [item.id, item]));
    return rows.map((candidate) => byId.get(candidate.id) ?? null);
  });
}

/** createFileItemsWithinQuota for one row; null when it would not fit. */
export async function createFileItemWithinQuota(input: PlannedFileItem, quotaBytes: number): Promise<FileItem | null> {
  const [item] = await createFileItemsWithinQuota([input], quotaBytes);
  return item ?? null;
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

/**
 * Moves a pending row to uploaded with the size S3 reported. The status guard makes a
 * concurrent second completion a no-op instead of a second write.
 */
export async function markFileUploaded(input: { id: string; ownerId: string; size: number; checksum?: string | null }): Promise<FileItem | null> {
  const db = await getDb();
  const [item] = await db
    .update(fileItems)
    .set({ status: "uploaded", size: input.size, checksum: input.checksum ?? null, uploadedAt: new Date() })
    .where(and(eq(fileItems.id, input.id), eq(fileItems.userId, input.ownerId), eq(fileItems.status, "pending")))
    .returning();
  return item ?? null;
}

/** The stored bytes contradicted the declared type: the row is kept, as a record, but never listed. */
export async function markFileRejected({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  const db = await getDb();
  const [item] = await db
    .update(fileItems)
    .set({ status: "rejected" })
    .where(and(eq(fileItems.id, id), eq(fileItems.userId, ownerId), eq(fileItems.status, "pending")))
    .returning();
  return item ?? null;
}

export async function markFileAborted({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  const db = await getDb();
  const [item] = await db
    .update(fileItems)
    .set({ status: "aborted" })
    .where(and(eq(fileItems.id, id), eq(fileItems.userId, ownerId), eq(fileItems.status, "pending")))
    .returning();
  return item ?? null;
}

/** Records parts the client reports; a re-sent part replaces the earlier record. */
export async function upsertFileParts(input: {
  fileId: string;
  parts: Array<{ partNumber: number; size: number; etag: string; checksum: string | null }>;
}): Promise<void> {
  if (input.parts.length === 0) return;
  const db = await getDb();
  await db
    .insert(fileParts)
    .values(input.parts.map((p) => ({ fileId: input.fileId, ...p })))
    .onConflictDoUpdate({
      target: [fileParts.fileId, fileParts.partNumber],
      set: { size: sql`excluded.size`, etag: sql`excluded.etag`, checksum: sql`excluded.checksum`, createdAt: sql`now()` },
    });
}

export async function listFileParts({ fileId }: { fileId: string }): Promise<FilePart[]> {
  const db = await getDb();
  return db.select().from(fileParts).where(eq(fileParts.fileId, fileId)).orderBy(asc(fileParts.partNumber));
}

/** Pending uploads created before `olderThan`, oldest first: what cleanup gives up on. */
export async function listStalePendingFiles({ olderThan, limit }: { olderThan: Date; limit: number }): Promise<FileItem[]> {
  const db = await getDb();
  return db
    .select()
    .from(fileItems)
    .where(and(eq(fileItems.status, "pending"), lt(fileItems.createdAt, olderThan)))
    .orderBy(asc(fileItems.createdAt))
    .limit(limit);
}

/** Rows by S3 key, across owners: cleanup matches the bucket's uploads against them. */
export async function getFileItemsByKeys({ keys }: { keys: string[] }): Promise<FileItem[]> {
  if (keys.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(inArray(fileItems.key, keys));
}

/** Multipart uploads cancelled since `since`: aborted once more, for parts that were in flight. */
export async function listRecentlyAbortedMultipart({ since, limit }: { since: Date; limit: number }): Promise<FileItem[]> {
  const db = await getDb();
  return db
    .select()
    .from(fileItems)
    .where(and(eq(fileItems.status, "aborted"), eq(fileItems.strategy, "multipart"), gt(fileItems.updatedAt, since)))
    .orderBy(asc(fileItems.updatedAt))
    .limit(limit);
}

/** Rows whose key starts with `prefix` (keys are `u/<userId>/…`), any status: for the consistency check. */
export async function listFileItemsByKeyPrefix({ prefix }: { prefix: string }): Promise<FileItem[]> {
  const db = await getDb();
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  return db.select().from(fileItems).where(sql`${fileItems.key} like ${escaped + "%"}`);
}
