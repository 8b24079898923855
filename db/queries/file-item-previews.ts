import "server-only";
import { and, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { fileItems, type FileItem } from "@/db/schema";
import { canMove, FILE_MOVES, moveFileItems, moveFileItemsWhere } from "./file-item-status";
import { lockQuotaUsage, PREVIEW_HOLD_BYTES } from "./file-item-quota";

/*
 * A preview's life on an uploaded file item (the moves planPreview, storePreview, dropPreviewPlan
 * and failPreview of FILE_MOVES): planned (`previewSize`/`previewType` set, `previewStoredAt` null),
 * then stored once checked, or dropped by cleanup when its forms expired unstored. Planned or
 * stored, its bytes count in the quota, and while its forms' staging hold lasts, PREVIEW_HOLD_BYTES
 * more (file-item-quota.ts). Apart from these, `previewFailedAt` records that a page could not
 * decode the picture, so pages stop asking for it; a plan and a store still work after it.
 */

/** One preview as planned, or as checked: its file item, exact size and type. */
export type PreviewSpec = { id: string; size: number; type: string };

/** No stored preview: the guard of a plan (and of cleanup's drop), so a stored preview is never replaced. */
const notStored = isNull(fileItems.previewStoredAt);

/**
 * Records the planned previews of the owner's file items (distinct ids), in order and in one
 * transaction: the owner's quota is locked and summed as creates do (file-item-quota.ts), the file
 * items are read once, and one guarded UPDATE records every plan within the quota (a new plan
 * replaces an earlier one's bytes rather than adding to them). Per plan: the file item as planned,
 * "quota_exceeded", or null when it is not (or no longer) an uploaded file item of the owner's
 * without a stored preview.
 */
export async function planFilePreviews({
  ownerId,
  plans,
  quotaBytes,
  formExpiresAt,
}: {
  ownerId: string;
  plans: PreviewSpec[];
  quotaBytes?: number;
  /** When the forms about to be signed for these plans expire: each file item's preview hold moves on to it. */
  formExpiresAt: Date;
}): Promise<Array<FileItem | "quota_exceeded" | null>> {
  if (plans.length === 0) return [];
  const db = await getDb();
  return db.transaction(async (tx) => {
    let used = quotaBytes === undefined ? 0 : await lockQuotaUsage(tx, ownerId);
    const rows = await tx
      .select({
        id: fileItems.id,
        status: fileItems.status,
        previewSize: fileItems.previewSize,
        previewStoredAt: fileItems.previewStoredAt,
        previewFormExpiresAt: fileItems.previewFormExpiresAt,
      })
      .from(fileItems)
      .where(and(inArray(fileItems.id, plans.map((plan) => plan.id)), eq(fileItems.userId, ownerId)));
    const current = new Map(rows.map((row) => [row.id, row]));
    const verdicts = plans.map((plan): PreviewSpec | "quota_exceeded" | null => {
      const row = current.get(plan.id);
      if (!row || !canMove("planPreview", row.status) || row.previewStoredAt) return null;
      // The bytes counted without this file item's current plan, which the new one replaces, and
      // the hold its form takes on the preview's staging key unless an earlier form's still counts.
      const added = plan.size - (row.previewSize ?? 0) + (row.previewFormExpiresAt ? 0 : PREVIEW_HOLD_BYTES);
      if (quotaBytes !== undefined && used + added > quotaBytes) return "quota_exceeded";
      used += added;
      return plan;
    });
    const accepted = verdicts.filter((verdict): verdict is PreviewSpec => typeof verdict === "object" && verdict !== null);
    const byId = (value: (plan: PreviewSpec) => unknown) =>
      sql`case ${fileItems.id} ${sql.join(
        accepted.map((plan) => sql`when ${plan.id}::uuid then ${value(plan)}`),
        sql` `,
      )} end`;
    const planned = await moveFileItems(
      "planPreview",
      { ids: accepted.map((plan) => plan.id), ownerId, guard: notStored },
      {
        previewSize: byId((plan) => sql`${plan.size}::bigint`),
        previewType: byId((plan) => sql`${plan.type}::text`),
        previewPlannedAt: new Date(),
        previewFormExpiresAt: sql`greatest(${fileItems.previewFormExpiresAt}, ${formExpiresAt.toISOString()}::timestamptz)`,
      },
      tx,
    );
    const recorded = new Map(planned.map((item) => [item.id, item]));
    return verdicts.map((verdict) => (verdict === "quota_exceeded" ? verdict : verdict ? (recorded.get(verdict.id) ?? null) : null));
  });
}

/**
 * Records checked previews as stored, in one statement: only file items still uploaded with exactly
 * the planned size and type that were checked (a plan made again meanwhile, or a delete, leaves the
 * file item as it is). A file item whose preview is already stored stays as stored (a repeated
 * complete). Answers the file items that hold their preview now.
 */
export async function markPreviewsStored({ ownerId, previews }: { ownerId: string; previews: PreviewSpec[] }): Promise<FileItem[]> {
  if (previews.length === 0) return [];
  const checked = sql.join(
    previews.map((preview) => sql`(${preview.id}::uuid, ${preview.size}::bigint, ${preview.type}::text)`),
    sql`, `,
  );
  return moveFileItems(
    "storePreview",
    { ids: previews.map((preview) => preview.id), ownerId, guard: sql`(${fileItems.id}, ${fileItems.previewSize}, ${fileItems.previewType}) in (${checked})` },
    { previewStoredAt: sql`coalesce(${fileItems.previewStoredAt}, now())` },
  );
}

/**
 * Records that a page could not make the preview of these file items of the owner's (distinct ids)
 * because their pictures would not decode, in one statement: only uploaded file items without a
 * stored preview take it, and one reported before keeps its first time. Answers the file items
 * recorded; an id missing from the answer is not (or no longer) such a file item of the owner's.
 */
export function markPreviewsFailed({ ownerId, ids }: { ownerId: string; ids: string[] }): Promise<FileItem[]> {
  return moveFileItems("failPreview", { ids, ownerId, guard: notStored }, { previewFailedAt: sql`coalesce(${fileItems.previewFailedAt}, now())` });
}

/**
 * Cleanup: drops up to `limit` plans (of any owner) made before `plannedBefore` and never stored,
 * which no form can still write; their bytes leave the quota. Answers the file items it changed,
 * whose preview keys the caller removes.
 */
export async function dropExpiredPreviewPlans({ plannedBefore, limit }: { plannedBefore: Date; limit: number }): Promise<FileItem[]> {
  const expired = and(notStored, isNotNull(fileItems.previewPlannedAt), lt(fileItems.previewPlannedAt, plannedBefore));
  const db = await getDb();
  const ids = db
    .select({ id: fileItems.id })
    .from(fileItems)
    .where(and(expired, inArray(fileItems.status, [...FILE_MOVES.dropPreviewPlan.from])))
    .limit(limit);
  return moveFileItemsWhere("dropPreviewPlan", and(inArray(fileItems.id, ids), expired), { previewSize: null, previewType: null, previewPlannedAt: null });
}
