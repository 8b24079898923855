import { and, eq, isNotNull } from "drizzle-orm";
import { getDb } from "@/db";
import { fileItems } from "@/db/schema";
import { releaseStagingHolds, STAGING_HOLD_GRACE_MS } from "@/server/uploads/staging-holds";

/**
 * Ages the user's staging holds as if every form signed for them had expired past the grace, then
 * releases them as a refused create or cleanup would (their staging keys emptied). For tests about
 * what the quota counts once holds are gone; the forms themselves stay valid in storage.
 */
export async function expireStagingHolds(userId: string): Promise<number> {
  const past = new Date(Date.now() - STAGING_HOLD_GRACE_MS - 60_000);
  const db = await getDb();
  await db.update(fileItems).set({ formExpiresAt: past }).where(and(eq(fileItems.userId, userId), isNotNull(fileItems.formExpiresAt)));
  await db.update(fileItems).set({ previewFormExpiresAt: past }).where(and(eq(fileItems.userId, userId), isNotNull(fileItems.previewFormExpiresAt)));
  return releaseStagingHolds({ ownerId: userId });
}
