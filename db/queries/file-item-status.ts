import "server-only";
import { and, eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import type { Database } from "@/db/driver";
import { FILE_STATUSES, fileItems, type FileItem, type FileStatus } from "@/db/schema";

/**
 * Every status change a file item makes, by name: the statuses it may start from and the one
 * it ends in. Each UPDATE below is built from this table and guarded by `status IN (from)`, so of
 * two racing requests one gets the file item back and the other gets nothing (and touches no storage).
 */
export const FILE_MOVES = {
  /** A complete claims the file item: the one request that gets it back does the work. */
  claim: { from: ["pending"], to: "completing" },
  /** The complete found nothing to finish yet, or storage failed: pending again, for a retry. */
  release: { from: ["completing"], to: "pending" },
  /** The file was checked and placed at its served key. */
  markUploaded: { from: ["completing"], to: "uploaded" },
  /** The stored bytes contradict the declared type: kept as a file item, never listed. */
  reject: { from: ["completing"], to: "rejected" },
  /** A cancel, a multipart upload that failed to start, or cleanup giving up on a stale upload. */
  abort: { from: ["pending"], to: "aborted" },
  /** Cleanup giving up on a complete that crashed (claimed long ago, never finished). */
  abortStaleCompletion: { from: ["completing"], to: "aborted" },
  /** The owner deleted an uploaded file. */
  delete: { from: ["uploaded"], to: "deleted" },
  /**
   * A preview planned (or planned again) for an uploaded file item without a stored one: the status
   * stays, its preview columns change (file-item-previews.ts, like the four below).
   */
  planPreview: { from: ["uploaded"], to: "uploaded" },
  /** A planned preview checked and copied to its served key: recorded as stored while the row still has the plan that was checked. */
  storePreview: { from: ["uploaded"], to: "uploaded" },
  /** Cleanup dropping a plan never stored once every form it could have signed has expired. */
  dropPreviewPlan: { from: ["uploaded"], to: "uploaded" },
  /** A page could not decode the picture for the preview of an uploaded file item without a stored one: recorded, so pages stop asking. */
  failPreview: { from: ["uploaded"], to: "uploaded" },
  /** A create retried with its idempotency key signs a fresh form: the staging hold moves on first, only while pending (file-item-holds.ts). */
  holdFormAgain: { from: ["pending"], to: "pending" },
} as const satisfies Record<string, { from: readonly FileStatus[]; to: FileStatus }>;

export type FileMove = keyof typeof FILE_MOVES;

/** Whether `move` applies to a file item in `status` (what its UPDATE's guard lets through). */
export function canMove(move: FileMove, status: FileStatus): boolean {
  return (FILE_MOVES[move].from as readonly FileStatus[]).includes(status);
}

/** Statuses no move leaves: the file item owns no bytes any more, and anything still stored for it is removed. */
export const ENDED_STATUSES: readonly FileStatus[] = FILE_STATUSES.filter((status) =>
  Object.values(FILE_MOVES).every((move) => !(move.from as readonly FileStatus[]).includes(status)),
);

/** A preview's columns as an UPDATE sets them: values, or SQL deciding per file item. */
type PreviewColumns = {
  previewSize?: number | null | SQL;
  previewType?: string | null | SQL;
  previewPlannedAt?: Date | null | SQL;
  previewStoredAt?: Date | null | SQL;
  previewFailedAt?: Date | null | SQL;
};
export type MoveColumns = Partial<Pick<FileItem, "updatedAt" | "uploadedAt" | "storageRefusal">> &
  PreviewColumns & { checksum?: string | null | SQL; formExpiresAt?: Date | null | SQL; previewFormExpiresAt?: Date | null | SQL };
/** Which of the owner's file items a move may take; `guard` adds what else must hold (a preview's columns). */
export type MoveWhere = { ids: string[]; ownerId: string; updatedBefore?: Date; guard?: SQL };

/**
 * The one guarded UPDATE: the rows `where` selects whose status `move` may start from take its
 * target status (and `set`); the file items that moved are returned. `db` is a transaction's, when
 * the move is one step of one. Only db/queries call it, through moveFileItems or (for a sweep
 * across owners) directly.
 */
export async function moveFileItemsWhere(move: FileMove, where: SQL | undefined, set: MoveColumns = {}, db?: Pick<Database, "update">): Promise<FileItem[]> {
  const { from, to } = FILE_MOVES[move];
  return (db ?? (await getDb()))
    .update(fileItems)
    .set({ ...set, status: to })
    .where(and(where, inArray(fileItems.status, [...from])))
    .returning();
}

/** moveFileItemsWhere for the owner's rows among `ids`. */
export async function moveFileItems(move: FileMove, where: MoveWhere, set: MoveColumns = {}, db?: Pick<Database, "update">): Promise<FileItem[]> {
  if (where.ids.length === 0) return [];
  const selected = and(
    inArray(fileItems.id, where.ids),
    eq(fileItems.userId, where.ownerId),
    where.updatedBefore ? lt(fileItems.updatedAt, where.updatedBefore) : undefined,
    where.guard,
  );
  return moveFileItemsWhere(move, selected, set, db);
}

/** moveFileItems for one file item: the file item if it moved, else null. */
async function moveFileItem(move: FileMove, where: { id: string; ownerId: string; updatedBefore?: Date }, set?: MoveColumns): Promise<FileItem | null> {
  const [item] = await moveFileItems(move, { ids: [where.id], ownerId: where.ownerId, updatedBefore: where.updatedBefore }, set);
  return item ?? null;
}

/** Pending → completing for the file items among `ids`: the ones this call won (every other complete gets none of them). */
export function claimFileCompletions({ ids, ownerId }: { ids: string[]; ownerId: string }): Promise<FileItem[]> {
  return moveFileItems("claim", { ids, ownerId });
}

/**
 * Completing → pending: the complete found nothing to finish yet (or storage failed); the client
 * may retry. `updatedAt` puts back the pending file item's own, so a refused complete leaves it as it was
 * (and cleanup gives up on it on time). `storageRefusal` records what the store refused, if it did.
 */
export function releaseFileCompletion({
  id,
  ownerId,
  updatedAt,
  storageRefusal,
}: {
  id: string;
  ownerId: string;
  updatedAt: Date;
  storageRefusal?: string;
}): Promise<FileItem | null> {
  return moveFileItem("release", { id, ownerId }, storageRefusal ? { updatedAt, storageRefusal } : { updatedAt });
}

/** A claimed file item whose file was checked and placed, and the checksum S3 reported (none for a POST). */
export type PlacedFile = { id: string; checksum: string | null };

/**
 * Completing → uploaded for the placed file items, in one statement: the file items that were still this
 * call's claim (a missing one was given up on by cleanup, so the bytes just stored must go). The
 * size stays the file item's, which the stored object was found to have. A preview is no part of
 * this: it is planned once the file item is uploaded (file-item-previews.ts).
 */
export function markFilesUploaded({ ownerId, files }: { ownerId: string; files: PlacedFile[] }): Promise<FileItem[]> {
  const withChecksum = files.filter((file) => file.checksum !== null);
  const checksum = withChecksum.length
    ? sql`case ${fileItems.id} ${sql.join(
        withChecksum.map((file) => sql`when ${file.id}::uuid then ${file.checksum}`),
        sql` `,
      )} end`
    : null;
  return moveFileItems("markUploaded", { ids: files.map((file) => file.id), ownerId }, { checksum, uploadedAt: new Date(), storageRefusal: null });
}

/** Completing → rejected: the stored bytes contradicted the declared type. */
export function markFileRejected({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveFileItem("reject", { id, ownerId });
}

/**
 * Pending → aborted (a cancel, a multipart upload the store would not start, or cleanup giving up);
 * null when the file item was not pending, so nothing may be removed. `storageRefusal` records what the store refused, if it did.
 */
export function markFileAborted({ id, ownerId, storageRefusal }: { id: string; ownerId: string; storageRefusal?: string }): Promise<FileItem | null> {
  return moveFileItem("abort", { id, ownerId }, storageRefusal ? { storageRefusal } : {});
}

/** Completing since before `updatedBefore` (its complete crashed) → aborted, for cleanup. */
export function markStaleCompletionAborted({ id, ownerId, updatedBefore }: { id: string; ownerId: string; updatedBefore: Date }): Promise<FileItem | null> {
  return moveFileItem("abortStaleCompletion", { id, ownerId, updatedBefore });
}

/** Uploaded → deleted; null when the file item was not (or no longer) uploaded, so a second delete is a miss. */
export function markFileDeleted({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveFileItem("delete", { id, ownerId });
}
