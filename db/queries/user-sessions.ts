import "server-only";
import { and, eq, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import { getDb, preparedQuery } from "@/db";
import { users, userSessions, type User } from "@/db/schema";

/** Records a new sign-in of the user; its id is the session's `sid`. */
export async function createUserSession({ userId }: { userId: string }): Promise<string> {
  const db = await getDb();
  const [row] = await db.insert(userSessions).values({ userId }).returning({ id: userSessions.id });
  if (!row) throw new Error("insert into user_sessions returned no row");
  return row.id;
}

/** One indexed read per request: the session's user, while the session is live. */
const liveSessionUser = preparedQuery((db) =>
  db
    .select({ user: users, lastSeenAt: userSessions.lastSeenAt })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, sql.placeholder("sid")), eq(userSessions.userId, sql.placeholder("userId")), isNull(userSessions.endedAt)))
    .limit(1)
    .prepare("live_session_user"),
);

/**
 * The user of session `sid` when it is theirs and not ended, else null; `lastSeenAt` says when a
 * request last recorded it (touchUserSession).
 */
export async function getLiveSessionUser({ sid, userId }: { sid: string; userId: string }): Promise<{ user: User; lastSeenAt: Date } | null> {
  const [row] = await (await liveSessionUser()).execute({ sid, userId });
  return row ?? null;
}

/** Records that the session was used, unless a request recorded it since `staleBefore`. */
export async function touchUserSession({ sid, staleBefore }: { sid: string; staleBefore: Date }): Promise<void> {
  const db = await getDb();
  await db
    .update(userSessions)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(userSessions.id, sid), lt(userSessions.lastSeenAt, staleBefore)));
}

/** Ends one session (sign-out); ending it twice keeps the first time. */
export async function endUserSession({ sid }: { sid: string }): Promise<void> {
  const db = await getDb();
  await db
    .update(userSessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(userSessions.id, sid), isNull(userSessions.endedAt)));
}

/** Ends every live session of the user but `except` (the caller's own, when it stays); the number ended. */
export async function endUserSessions({ userId, except }: { userId: string; except?: string | null }): Promise<number> {
  const db = await getDb();
  const rows = await db
    .update(userSessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.endedAt), except ? ne(userSessions.id, except) : undefined))
    .returning({ id: userSessions.id });
  return rows.length;
}

/** Cleanup: drops sessions ended before `endedBefore`, or unused since `idleBefore` (their cookies have expired). */
export async function deleteOldUserSessions({ endedBefore, idleBefore }: { endedBefore: Date; idleBefore: Date }): Promise<number> {
  const db = await getDb();
  const rows = await db
    .delete(userSessions)
    .where(or(and(isNotNull(userSessions.endedAt), lt(userSessions.endedAt, endedBefore)), lt(userSessions.lastSeenAt, idleBefore)))
    .returning({ id: userSessions.id });
  return rows.length;
}
