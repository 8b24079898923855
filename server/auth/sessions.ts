import "server-only";
import { createUserSession, endUserSession, endUserSessions, getLiveSessionUser, touchUserSession } from "@/db/queries/user-sessions";
import type { User } from "@/db/schema";
import { isUuid } from "@/server/http/parse";

/** How long a session cookie lives past its last use (next-auth renews it as it is used): next-auth's default, 30 days. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;

/** How stale a session's last_seen_at may get before a request moves it: one write an hour at most. */
export const SESSION_SEEN_RESOLUTION_MS = 3_600_000;

/** The claims of a session JWT this module reads: our user id and the session's id. */
export type SessionClaims = { sub?: unknown; sid?: unknown };

/** A new session of the user, at sign-in: its id goes into the JWT as `sid`. */
export function startSession(userId: string): Promise<string> {
  return createUserSession({ userId });
}

/**
 * The user a session JWT signs in, with its session id, or null: both ids must be well-formed, and
 * the session must be the user's and not ended (one indexed read). A JWT from before sessions were
 * recorded has no `sid`, so it signs no one in.
 */
export async function userOfSession(claims: SessionClaims | null | undefined): Promise<{ user: User; sessionId: string } | null> {
  const { sub, sid } = claims ?? {};
  if (typeof sub !== "string" || typeof sid !== "string" || !isUuid(sub) || !isUuid(sid)) return null;
  const live = await getLiveSessionUser({ sid, userId: sub });
  if (!live) return null;
  const staleBefore = new Date(Date.now() - SESSION_SEEN_RESOLUTION_MS);
  if (live.lastSeenAt < staleBefore) await touchUserSession({ sid, staleBefore });
  return { user: live.user, sessionId: sid };
}

/** Sign-out: ends the session the JWT names (a JWT without one ends nothing). */
export async function endSessionOf(claims: SessionClaims | null | undefined): Promise<void> {
  const sid = claims?.sid;
  if (typeof sid === "string" && isUuid(sid)) await endUserSession({ sid });
}

/** "Sign out everywhere": every session of the user, the caller's own included. API tokens are not sessions and stay. */
export function endAllSessions(userId: string): Promise<number> {
  return endUserSessions({ userId });
}

/** After a password change: every session of the user but the one that changed it. */
export function endOtherSessions(userId: string, keep: string | null): Promise<number> {
  return endUserSessions({ userId, except: keep });
}
