import "server-only";
import { and, asc, desc, eq, getTableColumns, like, sql, type SQL } from "drizzle-orm";
import type { LibrarySort, SortOrder } from "@/lib/contracts/library-schemas";
import { getDb } from "@/db";
import { fileItems, type FileItem } from "@/db/schema";
import { escapeLike, sumFileBytes } from "@/db/sql";

/** Where a page of the library starts: after the file item with this sort key and id. */
export type LibraryCursor = { sort: LibrarySort; order: SortOrder; value: string | number; id: string };

/** What each sort orders by; `id` breaks ties so the order is total and the cursor exact. */
function sortExpression(sort: LibrarySort): SQL {
  switch (sort) {
    case "date":
      return sql`${fileItems.createdAt}`;
    case "name":
      return sql`lower(${fileItems.name})`;
    case "size":
      return sql`${fileItems.size}`;
  }
}

/** The sort key as the cursor keeps it: timestamps as ISO text with Postgres' microseconds. */
function sortKeyColumn(sort: LibrarySort): SQL<string | number> {
  switch (sort) {
    case "date":
      return sql<string>`to_char(${fileItems.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case "name":
      return sql<string>`lower(${fileItems.name})`;
    case "size":
      return sql<number>`${fileItems.size}`.mapWith(Number);
  }
}

function afterCursor(cursor: LibraryCursor): SQL {
  const op = sql.raw(cursor.order === "desc" ? "<" : ">");
  const value =
    cursor.sort === "date" ? sql`${cursor.value}::timestamptz` : cursor.sort === "size" ? sql`${cursor.value}::bigint` : sql`${cursor.value}::text`;
  return sql`(${sortExpression(cursor.sort)}, ${fileItems.id}) ${op} (${value}, ${cursor.id}::uuid)`;
}

/**
 * What search reads: the file as the list shows it, its folder path then its name
 * (`Holiday/Day 1/beach.jpg`), so a folder name, a file name or a piece spanning both is found.
 */
const shownPath = sql`(coalesce(${fileItems.path} || '/', '') || ${fileItems.name})`;

export type LibraryRow = FileItem & { sortKey: string | number };

/**
 * One page of the owner's uploaded files (keyset paging on sort key + id). Asks for `limit + 1`
 * file items so the caller knows whether another page exists.
 */
export async function listLibraryFiles(input: {
  ownerId: string;
  sort: LibrarySort;
  order: SortOrder;
  limit: number;
  cursor: LibraryCursor | null;
  search?: string;
  type?: string;
}): Promise<LibraryRow[]> {
  const db = await getDb();
  const filters: SQL[] = [eq(fileItems.userId, input.ownerId), eq(fileItems.status, "uploaded")];
  if (input.search) filters.push(sql`${shownPath} ilike ${`%${escapeLike(input.search)}%`} escape '\\'`);
  if (input.type?.endsWith("/*")) filters.push(like(fileItems.contentType, `${escapeLike(input.type.slice(0, -1))}%`));
  else if (input.type) filters.push(eq(fileItems.contentType, input.type));
  if (input.cursor) filters.push(afterCursor(input.cursor));
  const direction = input.order === "desc" ? desc : asc;
  return db
    .select({ ...getTableColumns(fileItems), sortKey: sortKeyColumn(input.sort) })
    .from(fileItems)
    .where(and(...filters))
    .orderBy(direction(sortExpression(input.sort)), direction(fileItems.id))
    .limit(input.limit + 1);
}

/** Bytes of the owner's uploaded files. */
export async function getUploadedBytes({ ownerId }: { ownerId: string }): Promise<number> {
  const db = await getDb();
  return sumFileBytes(db, and(eq(fileItems.userId, ownerId), eq(fileItems.status, "uploaded")));
}

/** Display name only: the key never changes. Null unless the file item is the owner's and uploaded. */
export async function renameFileItem({ id, ownerId, name }: { id: string; ownerId: string; name: string }): Promise<FileItem | null> {
  const db = await getDb();
  const [item] = await db
    .update(fileItems)
    .set({ name })
    .where(and(eq(fileItems.id, id), eq(fileItems.userId, ownerId), eq(fileItems.status, "uploaded")))
    .returning();
  return item ?? null;
}
