// First: the auth flow runs next-auth in Next's request scope, set up before Next's modules load.
import { readSession, sessionCookieOf, signInWithPassword, signOutSession, type CookieJar } from "./auth-flow";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/me/route";
import { POST as changePasswordRoute } from "@/app/api/me/password/route";
import { DELETE as endSessionsRoute } from "@/app/api/sessions/route";
import { POST as createToken } from "@/app/api/tokens/route";
import { getDb } from "@/db";
import { createUser } from "@/db/queries/users";
import { createUserSession } from "@/db/queries/user-sessions";
import { userSessions } from "@/db/schema";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import { getSessionUser } from "@/server/auth/auth";
import { hashPassword } from "@/server/auth/password";
import { inNextRequestScope } from "../testing/next-request-scope";
import { APP, createSignedInUser, jsonRequest } from "../testing/requests";

const PASSWORD = "correct horse battery";

async function passwordAccount(password = PASSWORD) {
  const email = `sessions-${randomUUID()}@example.test`;
  const user = await createUser({ email, name: "Ada", passwordHash: await hashPassword(password) });
  return { email, user: user! };
}

/** A browser that signed in to the account with its password: its cookie jar and session cookie. */
async function signedInBrowser(email: string, password = PASSWORD): Promise<{ jar: CookieJar; cookie: string }> {
  const jar: CookieJar = new Map();
  const res = await signInWithPassword(jar, { email, password });
  expect(res.status).toBe(200);
  return { jar, cookie: sessionCookieOf(jar)! };
}

const meStatus = async (auth: { cookie?: string; bearer?: string }) => (await me(jsonRequest("/api/me", auth))).status;

/** What a server component (getSessionUser, through requireUser) sees with this cookie. */
const pageUser = (cookie: string) => {
  const req = new Request(`${APP}/files`, { headers: { cookie } });
  return inNextRequestScope("/files/page", req, () => getSessionUser());
};

async function mintToken(cookie: string): Promise<string> {
  const res = await createToken(jsonRequest("/api/tokens", { cookie, body: { name: "script" } }));
  expect(res.status).toBe(201);
  return ((await res.json()) as CreateTokenResponse).secret;
}

const changePassword = (cookie: string, body: unknown, headers?: Record<string, string>) =>
  changePasswordRoute(jsonRequest("/api/me/password", { cookie, body, headers }));

describe("sign-out ends the session (regression: a cookie saved before sign-out kept working for 30 days)", () => {
  it("refuses a copy of the cookie taken before sign-out, in routes, pages and next-auth's session endpoint", async () => {
    const { email, user } = await passwordAccount();
    const { jar, cookie } = await signedInBrowser(email);
    expect(await meStatus({ cookie })).toBe(200);
    expect((await pageUser(cookie))?.id).toBe(user.id);
    const saved = new Map(jar);

    const out = await signOutSession(jar);
    expect(out.status).toBe(200);
    expect(sessionCookieOf(jar)).toBeNull();

    expect(await meStatus({ cookie })).toBe(401);
    expect(await pageUser(cookie)).toBeNull();
    // next-auth's own endpoint (what useSession reads) answers no session and clears the cookie.
    const { res, body } = await readSession(saved);
    expect(body).toEqual({});
    expect(res.headers.getSetCookie().some((line) => line.startsWith("next-auth.session-token=;"))).toBe(true);
    expect(sessionCookieOf(saved)).toBeNull();
  });

  it("ends only that browser's session: another sign-in of the same account goes on", async () => {
    const { email } = await passwordAccount();
    const first = await signedInBrowser(email);
    const second = await signedInBrowser(email);
    await signOutSession(first.jar);
    expect(await meStatus({ cookie: first.cookie })).toBe(401);
    expect(await meStatus({ cookie: second.cookie })).toBe(200);
    expect((await readSession(second.jar)).body.user?.email).toBe(email);
  });
});

describe("DELETE /api/sessions (sign out everywhere)", () => {
  it("ends every session of the account at once, the caller's own included; API tokens keep working", async () => {
    const { email } = await passwordAccount();
    const here = await signedInBrowser(email);
    const there = await signedInBrowser(email);
    const other = await createSignedInUser();
    const token = await mintToken(here.cookie);

    const res = await endSessionsRoute(jsonRequest("/api/sessions", { method: "DELETE", cookie: here.cookie }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ endedSessions: 2 });

    expect(await meStatus({ cookie: here.cookie })).toBe(401);
    expect(await meStatus({ cookie: there.cookie })).toBe(401);
    expect((await readSession(there.jar)).body).toEqual({});
    expect(await meStatus({ bearer: token })).toBe(200);
    expect(await meStatus({ cookie: other.cookie })).toBe(200);
    // A new sign-in is a new session.
    expect(await meStatus({ cookie: (await signedInBrowser(email)).cookie })).toBe(200);
  });

  it("needs the session: an API token is 403, no credentials 401, another site 403", async () => {
    const { cookie } = await createSignedInUser();
    const token = await mintToken(cookie);
    const call = (init: Parameters<typeof jsonRequest>[1]) => endSessionsRoute(jsonRequest("/api/sessions", { method: "DELETE", ...init }));
    expect((await call({ bearer: token, headers: { origin: null } })).status).toBe(403);
    expect((await call({})).status).toBe(401);
    expect((await call({ cookie, headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect(await meStatus({ cookie })).toBe(200);
  });
});

describe("POST /api/me/password", () => {
  it("changes the password and ends every other session at once; this one and API tokens go on", async () => {
    const { email } = await passwordAccount();
    const here = await signedInBrowser(email);
    const there = await signedInBrowser(email);
    const token = await mintToken(here.cookie);

    const res = await changePassword(here.cookie, { currentPassword: PASSWORD, newPassword: "a brand new password" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ endedSessions: 1 });

    expect(await meStatus({ cookie: here.cookie })).toBe(200);
    expect(await meStatus({ cookie: there.cookie })).toBe(401);
    expect(await meStatus({ bearer: token })).toBe(200);
    expect((await signInWithPassword(new Map(), { email, password: PASSWORD })).status).toBe(401);
    expect((await signInWithPassword(new Map(), { email, password: "a brand new password" })).status).toBe(200);
  });

  it("refuses a wrong current password (403, naming the field) and changes nothing", async () => {
    const { email } = await passwordAccount();
    const here = await signedInBrowser(email);
    const there = await signedInBrowser(email);
    const res = await changePassword(here.cookie, { currentPassword: "not my password", newPassword: "a brand new password" });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toEqual({ code: "forbidden", message: "currentPassword: is not your password." });
    expect(await meStatus({ cookie: there.cookie })).toBe(200);
    expect((await signInWithPassword(new Map(), { email, password: PASSWORD })).status).toBe(200);
  });

  it.each([
    ["a short new password", { currentPassword: PASSWORD, newPassword: "short" }, "newPassword"],
    ["no current password", { currentPassword: "", newPassword: "a brand new password" }, "currentPassword"],
    ["no body fields", {}, "currentPassword"],
  ])("answers 400 for %s", async (_label, body, field) => {
    const { cookie } = await createSignedInUser();
    const res = await changePassword(cookie, body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(new RegExp(`^${field}:`));
  });

  it("answers 409 for an account without a password (GitHub) and 403 for an API token", async () => {
    const { cookie } = await createSignedInUser();
    const res = await changePassword(cookie, { currentPassword: "anything at all", newPassword: "a brand new password" });
    expect(res.status).toBe(409);
    const token = await mintToken(cookie);
    const byToken = await changePasswordRoute(jsonRequest("/api/me/password", { bearer: token, headers: { origin: null }, body: { currentPassword: "x", newPassword: "a brand new password" } }));
    expect(byToken.status).toBe(403);
  });
});

describe("cleanup and sessions", () => {
  it("drops sessions ended a day ago or idle past their cookie's lifetime, and keeps live ones", async () => {
    const { user } = await createSignedInUser();
    const [live, endedLongAgo, endedJustNow, idle] = await Promise.all([1, 2, 3, 4].map(() => createUserSession({ userId: user.id })));
    const db = await getDb();
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3_600_000);
    await db.update(userSessions).set({ endedAt: daysAgo(2) }).where(eq(userSessions.id, endedLongAgo!));
    await db.update(userSessions).set({ endedAt: new Date() }).where(eq(userSessions.id, endedJustNow!));
    await db.update(userSessions).set({ lastSeenAt: daysAgo(32) }).where(eq(userSessions.id, idle!));

    const report = await cleanupStaleUploads();
    expect(report.sessionsDropped).toBeGreaterThanOrEqual(2);
    const left = await db.select({ id: userSessions.id }).from(userSessions).where(eq(userSessions.userId, user.id));
    expect(left.map((row) => row.id).sort()).toEqual(expect.arrayContaining([live, endedJustNow]));
    expect(left.map((row) => row.id)).not.toContain(endedLongAgo);
    expect(left.map((row) => row.id)).not.toContain(idle);
  });
});
