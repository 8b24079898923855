import "server-only";
import { and, eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import type { Database } from "@/db/driver";
import { FILE_STATUSES, fileItems, type FileItem, type FileStatus } from "@/db/schema";
import { lockQuotaUsage } from "./file-item-quota";

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
  /** The file (and its preview, when kept) was checked and placed at its served key. */
  markUploaded: { from: ["completing"], to: "uploaded" },
  /** The stored bytes contradict the declared type: kept as a file item, never listed. */
  reject: { from: ["completing"], to: "rejected" },
  /** A cancel, a multipart upload that failed to start, or cleanup giving up on a stale upload. */
  abort: { from: ["pending"], to: "aborted" },
  /** Cleanup giving up on a complete that crashed (claimed long ago, never finished). */
  abortStaleCompletion: { from: ["completing"], to: "aborted" },
  /** The owner deleted an uploaded file. */
  delete: { from: ["uploaded"], to: "deleted" },
  /** A preview planned (or planned again) for a pending file item: the status stays, its columns change. */
  planPreview: { from: ["pending"], to: "pending" },
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
type PreviewColumns = { previewSize?: number | null | SQL; previewType?: string | null | SQL };
type MoveColumns = Partial<Pick<FileItem, "updatedAt" | "uploadedAt">> & PreviewColumns & { checksum?: string | null | SQL };
type MoveWhere = { ids: string[]; ownerId: string; updatedBefore?: Date };

/**
 * The one guarded UPDATE: the owner's rows among `ids` whose status `move` may start from take
 * its target status (and `set`); the file items that moved are returned. `db` is a transaction's, when
 * the move is one step of one.
 */
async function moveFileItems(move: FileMove, where: MoveWhere, set: MoveColumns = {}, db?: Pick<Database, "update">): Promise<FileItem[]> {
  if (where.ids.length === 0) return [];
  const { from, to } = FILE_MOVES[move];
  return (db ?? (await getDb()))
    .update(fileItems)
    .set({ ...set, status: to })
    .where(
      and(
        inArray(fileItems.id, where.ids),
        eq(fileItems.userId, where.ownerId),
        inArray(fileItems.status, [...from]),
        where.updatedBefore ? lt(fileItems.updatedAt, where.updatedBefore) : undefined,
      ),
    )
    .returning();
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
 * may retry. `updatedAt` puts back the pending file item's own, so a refused complete leaves it as it was.
 */
export function releaseFileCompletion({ id, ownerId, updatedAt }: { id: string; ownerId: string; updatedAt: Date }): Promise<FileItem | null> {
  return moveFileItem("release", { id, ownerId }, { updatedAt });
}

/** A claimed file item whose file was checked and placed: the checksum S3 reported (none for a POST), and whether its preview was checked and copied. */
export type PlacedFile = { id: string; checksum: string | null; preview: boolean };

/**
 * Completing → uploaded for the placed file items, in one statement: the file items that were still this
 * call's claim (a missing one was given up on by cleanup, so the bytes just stored must go). The
 * size stays the file item's, which the stored object was found to have. Each file item keeps its preview when
 * it was checked and copied; every other file item's plan is dropped in the same UPDATE.
 */
export function markFilesUploaded({ ownerId, files }: { ownerId: string; files: PlacedFile[] }): Promise<FileItem[]> {
  const withChecksum = files.filter((file) => file.checksum !== null);
  const checksum = withChecksum.length
    ? sql`case ${fileItems.id} ${sql.join(
        withChecksum.map((file) => sql`when ${file.id}::uuid then ${file.checksum}`),
        sql` `,
      )} end`
    : null;
  const previewed = files.filter((file) => file.preview).map((file) => file.id);
  const kept = previewed.length > 0 ? inArray(fileItems.id, previewed) : sql`false`;
  return moveFileItems(
    "markUploaded",
    { ids: files.map((file) => file.id), ownerId },
    {
      checksum,
      uploadedAt: new Date(),
      previewSize: sql`case when ${kept} then ${fileItems.previewSize} end`,
      previewType: sql`case when ${kept} then ${fileItems.previewType} end`,
    },
  );
}

/** Completing → rejected: the stored bytes contradicted the declared type. */
export function markFileRejected({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveFileItem("reject", { id, ownerId });
}

/** Pending → aborted (a cancel, or cleanup giving up); null when the file item was not pending, so nothing may be removed. */
export function markFileAborted({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveFileItem("abort", { id, ownerId });
}

/** Completing since before `updatedBefore` (its complete crashed) → aborted, for cleanup. */
export function markStaleCompletionAborted({ id, ownerId, updatedBefore }: { id: string; ownerId: string; updatedBefore: Date }): Promise<FileItem | null> {
  return moveFileItem("abortStaleCompletion", { id, ownerId, updatedBefore });
}

/** Uploaded → deleted; null when the file item was not (or no longer) uploaded, so a second delete is a miss. */
export function markFileDeleted({ id, ownerId }: { id: string; ownerId: string }): Promise<FileItem | null> {
  return moveFileItem("delete", { id, ownerId });
}

/**
 * Records a pending file item's planned preview (replacing an earlier plan): null when the file item is
 * not (or no longer) the owner's pending file item, "quota_exceeded" when the preview's bytes would
 * take the owner past `quotaBytes` (the quota rule of creates, file-item-quota.ts).
 */
export async function planFilePreview(input: {
  id: string;
  ownerId: string;
  previewSize: number;
  previewType: string;
  quotaBytes?: number;
}): Promise<FileItem | "quota_exceeded" | null> {
  const where = { id: input.id, ownerId: input.ownerId };
  const plan = { previewSize: input.previewSize, previewType: input.previewType };
  if (input.quotaBytes === undefined) return moveFileItem("planPreview", where, plan);
  const quota = input.quotaBytes;
  const db = await getDb();
  return db.transaction(async (tx) => {
    const used = await lockQuotaUsage(tx, input.ownerId);
    // The bytes counted without this file item's current plan, which the new one replaces.
    const [row] = await tx
      .select({ status: fileItems.status, previewSize: fileItems.previewSize })
      .from(fileItems)
      .where(and(eq(fileItems.id, input.id), eq(fileItems.userId, input.ownerId)));
    if (!row || !canMove("planPreview", row.status)) return null;
    if (used - (row.previewSize ?? 0) + input.previewSize > quota) return "quota_exceeded";
    const [item] = await moveFileItems("planPreview", { ids: [input.id], ownerId: input.ownerId }, plan, tx);
    return item ?? null;
  });
}
