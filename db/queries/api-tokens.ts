import "server-only";
import { and, count, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import { apiTokens, users, type ApiToken, type User } from "@/db/schema";

/**
 * Inserts a token unless the user already holds `maxActive` active ones. The user's row is locked
 * for the count and insert, so two racing requests can't both take the last slot.
 */
export async function createApiTokenRow(input: {
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  maxActive: number;
}): Promise<ApiToken | null> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for("update");
    const [active] = await tx
      .select({ n: count() })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, input.userId), isNull(apiTokens.revokedAt)));
    if ((active?.n ?? 0) >= input.maxActive) return null;
    const { maxActive: _maxActive, ...values } = input;
    const [token] = await tx.insert(apiTokens).values(values).returning();
    return token ?? null;
  });
}

/** The user's active tokens, newest first. */
export async function listActiveApiTokens({ userId }: { userId: string }): Promise<ApiToken[]> {
  const db = await getDb();
  return db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** Scoped by owner; revoking twice keeps the first time. False when the user has no such token. */
export async function revokeApiToken({ id, userId }: { id: string; userId: string }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

const activeApiTokenByHash = preparedQuery((db) =>
  db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder("tokenHash")), isNull(apiTokens.revokedAt)))
    .limit(1)
    .prepare("get_active_api_token_by_hash"),
);

/** An active token and its owner, found by the token's hash (the unique index); read on every Bearer request. */
export async function getActiveApiTokenByHash({ tokenHash }: { tokenHash: string }): Promise<{ token: ApiToken; user: User } | null> {
  const [row] = await (await activeApiTokenByHash()).execute({ tokenHash });
  return row ?? null;
}

/** Sets last_used_at unless it was set after `staleBefore`, so a busy token writes once per interval. */
export async function touchApiToken({ id, staleBefore }: { id: string; staleBefore: Date }): Promise<void> {
  const db = await getDb();
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
}
