import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import { fileItems, type FileItem, type NewFileItem } from "@/db/schema";
import type { PartChecksum } from "@/lib/store-abilities";

/*
 * A file item read by id, and its plain writes. Creates within the quota are in
 * file-items-create.ts, status moves in file-item-status.ts, what cleanup selects in file-item-sweeps.ts.
 */

export async function createFileItem(input: NewFileItem): Promise<FileItem> {
  const db = await getDb();
  const [item] = await db.insert(fileItems).values(input).returning();
  if (!item) throw new Error("insert into file_items returned no row");
  return item;
}

export async function setFileUploadId({ id, uploadId, partChecksum }: { id: string; uploadId: string; partChecksum: PartChecksum }): Promise<FileItem> {
  const db = await getDb();
  const [item] = await db.update(fileItems).set({ uploadId, partChecksum }).where(eq(fileItems.id, id)).returning();
  if (!item) throw new Error("file item vanished while starting its multipart upload");
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

/** The caller's file items among `ids`, in one statement (a batch complete reads all of its file items at once). */
export async function getOwnedFileItems({ ids, ownerId }: { ids: string[]; ownerId: string }): Promise<FileItem[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  return db.select().from(fileItems).where(and(inArray(fileItems.id, ids), eq(fileItems.userId, ownerId)));
}
