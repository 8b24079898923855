import "server-only";
import { and, eq, inArray, isNotNull, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { fileItems, type FileItem } from "@/db/schema";
import { moveFileItems } from "./file-item-status";

/*
 * Staging holds (file-item-quota.ts): `form_expires_at` for a POST upload's staging key,
 * `preview_form_expires_at` for its preview's. Set when a form is signed, moved on when another
 * is, and cleared only by releaseHolds, once the time has passed and the caller emptied the key.
 */

/** Statuses whose staging object is the upload itself (a complete may still read it): their file hold is never released. */
const LIVE_STATUSES = ["pending", "completing"] as const;

/**
 * A create retried with its idempotency key: the pending file item's staging hold moves on to
 * `until` (never back) before its fresh form is signed, in one guarded UPDATE; null when the file
 * item is no longer pending, so no form may be signed.
 */
export async function extendFormHold({ id, ownerId, until }: { id: string; ownerId: string; until: Date }): Promise<FileItem | null> {
  const [item] = await moveFileItems("holdFormAgain", { ids: [id], ownerId }, { formExpiresAt: sql`greatest(${fileItems.formExpiresAt}, ${until.toISOString()}::timestamptz)` });
  return item ?? null;
}

/** A file hold that may go: expired before `before`, of a file item whose staging object is no longer its upload. */
const fileHoldDue = (before: Date): SQL => and(isNotNull(fileItems.formExpiresAt), lt(fileItems.formExpiresAt, before), notInArray(fileItems.status, [...LIVE_STATUSES]))!;
/** A preview hold that may go: expired before `before`. */
const previewHoldDue = (before: Date): SQL => and(isNotNull(fileItems.previewFormExpiresAt), lt(fileItems.previewFormExpiresAt, before))!;

export type DueHold = { item: FileItem; file: boolean; preview: boolean };

/**
 * Up to `limit` file items (the owner's, or anyone's for cleanup) with a hold whose forms expired
 * before `before`: which of their staging keys may be emptied and then released.
 */
export async function listDueHolds({ ownerId, before, limit }: { ownerId?: string; before: Date; limit: number }): Promise<DueHold[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(fileItems)
    .where(and(ownerId ? eq(fileItems.userId, ownerId) : undefined, or(fileHoldDue(before), previewHoldDue(before))))
    .limit(limit);
  const now = before.getTime();
  return rows.map((item) => ({
    item,
    file: item.formExpiresAt !== null && item.formExpiresAt.getTime() < now && !(LIVE_STATUSES as readonly string[]).includes(item.status),
    preview: item.previewFormExpiresAt !== null && item.previewFormExpiresAt.getTime() < now,
  }));
}

/**
 * Clears the holds of `files` and `previews` (file item ids) whose keys were emptied after their
 * forms expired, each only if it is still due (a form signed meanwhile keeps it). The number cleared.
 */
export async function releaseHolds({ files, previews, before }: { files: string[]; previews: string[]; before: Date }): Promise<number> {
  const db = await getDb();
  const cleared = await Promise.all([
    files.length === 0
      ? []
      : db.update(fileItems).set({ formExpiresAt: null }).where(and(inArray(fileItems.id, files), fileHoldDue(before))).returning({ id: fileItems.id }),
    previews.length === 0
      ? []
      : db.update(fileItems).set({ previewFormExpiresAt: null }).where(and(inArray(fileItems.id, previews), previewHoldDue(before))).returning({ id: fileItems.id }),
  ]);
  return cleared[0].length + cleared[1].length;
}
