import "server-only";
import { and, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Database } from "@/db/driver";
import { fileItems, users, type FileStatus } from "@/db/schema";
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";

/** Statuses whose file counts against a quota: everything uploaded plus everything still on its way. */
export const QUOTA_COUNTED_STATUSES = ["pending", "completing", "uploaded"] as const satisfies readonly FileStatus[];

/*
 * What a file item counts against its owner's quota: every byte it has stored, or could still have
 * stored, staging included.
 *
 * - Its file and preview while it is pending, completing or uploaded (a pending one's room for the
 *   copy complete will make; a planned preview's room for its checked copy).
 * - While a staging hold is set (form_expires_at, server/uploads/staging-holds.ts), the file's size
 *   once more: a signed POST form can write its staging key until it expires, whatever happens to
 *   the file item meanwhile. A cancel or a complete removes the staging object, but the form can
 *   post it again; so the bytes count until the form has expired and the key was emptied since.
 * - Likewise PREVIEW_MAX_BYTES while a preview form's hold is set.
 *
 * A multipart upload has no hold: each part URL writes one part of exactly its size into the
 * multipart upload, which an abort or a complete ends, and then S3 refuses its parts.
 */
const countedBytes = sql<string>`coalesce(sum(
  case when ${inArray(fileItems.status, [...QUOTA_COUNTED_STATUSES])} then ${fileItems.size} + coalesce(${fileItems.previewSize}, 0) else 0 end
  + case when ${fileItems.formExpiresAt} is not null then ${fileItems.size} else 0 end
  + case when ${fileItems.previewFormExpiresAt} is not null then ${PREVIEW_MAX_BYTES} else 0 end
), 0)`;

/** A new file item's count (countedBytes for it): a POST upload's form holds its size once more. */
export function newFileItemCharge(row: { size: number; formExpiresAt?: Date | null }): number {
  return row.formExpiresAt ? 2 * row.size : row.size;
}

/** What a preview's first form adds while its file item has no preview hold yet. */
export const PREVIEW_HOLD_BYTES = PREVIEW_MAX_BYTES;

/**
 * The quota rule every write that adds bytes goes through (new file items, a planned preview): inside
 * the caller's transaction, locks the owner's row, so concurrent checks take turns and two
 * requests can never both slip under the quota, then answers the bytes the owner already counts.
 * The caller adds what it writes and refuses what would take the sum past the quota.
 */
export async function lockQuotaUsage(tx: Pick<Database, "select">, ownerId: string): Promise<number> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, ownerId)).for("update");
  const counted = or(inArray(fileItems.status, [...QUOTA_COUNTED_STATUSES]), isNotNull(fileItems.formExpiresAt), isNotNull(fileItems.previewFormExpiresAt));
  const [row] = await tx
    .select({ used: countedBytes })
    .from(fileItems)
    .where(and(eq(fileItems.userId, ownerId), counted));
  return Number(row?.used ?? 0);
}
