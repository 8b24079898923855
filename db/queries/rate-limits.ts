import "server-only";
import { and, eq, lt, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import { rateLimits } from "@/db/schema";

/**
 * Adds `cost` to the bucket's counter for the window, in one atomic statement, unless that would
 * take it over `limit`. Returns the new count, or null when refused (a refusal counts nothing, so
 * a client that backs off gets its full budget in the next window). Concurrent calls serialise on
 * the row lock, so no interleaving lets more than `limit` through.
 */
export async function incrementRateLimit(input: { bucket: string; windowStart: Date; cost: number; limit: number }): Promise<number | null> {
  if (input.cost > input.limit) return null;
  const [row] = await (await incrementStatement()).execute(input);
  return row?.count ?? null;
}

const incrementStatement = preparedQuery((db) =>
  db
    .insert(rateLimits)
    .values({ bucket: sql.placeholder("bucket"), windowStart: sql.placeholder("windowStart"), count: sql.placeholder("cost") })
    .onConflictDoUpdate({
      target: [rateLimits.bucket, rateLimits.windowStart],
      set: { count: sql`rate_limits.count + excluded.count` },
      setWhere: sql`rate_limits.count + excluded.count <= ${sql.placeholder("limit")}`,
    })
    .returning({ count: rateLimits.count })
    .prepare("increment_rate_limit"),
);

/**
 * Drops the counters of windows before `before` whose bucket starts with `prefix` (one family of
 * limits shares a window length, so the cut-off of one family must not touch another's rows).
 */
export async function deleteRateLimitsBefore({ before, prefix = "" }: { before: Date; prefix?: string }): Promise<void> {
  const db = await getDb();
  await db.delete(rateLimits).where(and(lt(rateLimits.windowStart, before), sql`starts_with(${rateLimits.bucket}, ${prefix})`));
}

/** Gives `cost` back to the bucket's counter for the window (a reservation that turned out free). */
export async function decrementRateLimit(input: { bucket: string; windowStart: Date; cost: number }): Promise<void> {
  const db = await getDb();
  await db
    .update(rateLimits)
    .set({ count: sql`greatest(${rateLimits.count} - ${input.cost}, 0)` })
    .where(and(eq(rateLimits.bucket, input.bucket), eq(rateLimits.windowStart, input.windowStart)));
}
