import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/driver";
import { fileItems, users, type FileStatus } from "@/db/schema";
import { sumFileBytes } from "@/db/sql";

/** Bytes that count against a quota: everything uploaded plus everything still on its way (previews included, see sumFileBytes). */
export const QUOTA_COUNTED_STATUSES = ["pending", "completing", "uploaded"] as const satisfies readonly FileStatus[];

/**
 * The quota rule every write that adds bytes goes through (new file items, a planned preview): inside
 * the caller's transaction, locks the owner's row, so concurrent checks take turns and two
 * requests can never both slip under the quota, then answers the bytes the owner already counts.
 * The caller adds what it writes and refuses what would take the sum past the quota.
 */
export async function lockQuotaUsage(tx: Pick<Database, "select">, ownerId: string): Promise<number> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, ownerId)).for("update");
  return sumFileBytes(tx, and(eq(fileItems.userId, ownerId), inArray(fileItems.status, [...QUOTA_COUNTED_STATUSES])));
}
