import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { createUser } from "@/db/queries/users";
import { createUserSession } from "@/db/queries/user-sessions";
import type { User } from "@/db/schema";

/** The app's origin as the server under test sees it (APP_URL), so same-origin checks pass. */
export const APP = new URL(process.env.APP_URL ?? "http://127.0.0.1:3000").origin;

/** A next-auth session cookie for a new session of `user` (a row in user_sessions, its id the JWT's `sid`), as the browser would send it. */
export async function sessionCookieFor(user: Pick<User, "id" | "email">): Promise<string> {
  const sid = await createUserSession({ userId: user.id });
  const token = await encode({ token: { sub: user.id, email: user.email, sid }, secret: process.env.AUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}

/** A fresh user with a real next-auth session cookie, as the browser would send it. */
export async function createSignedInUser(): Promise<{ user: User; cookie: string }> {
  const email = `user-${randomUUID()}@example.test`;
  const user = await createUser({ email, name: "Test User", passwordHash: null });
  if (!user) throw new Error("test user already exists");
  return { user, cookie: await sessionCookieFor(user) };
}

/**
 * A request as the app's own page sends it: JSON, with this app's Origin. `headers` adds or
 * overrides any header (`origin: null` drops it); `bearer` sends `Authorization: Bearer <token>`.
 */
export function jsonRequest(
  path: string,
  init: { method?: string; body?: unknown; cookie?: string; rawBody?: string; bearer?: string; headers?: Record<string, string | null> } = {},
): Request {
  const headers = new Headers({ "content-type": "application/json", origin: APP });
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.bearer !== undefined) headers.set("authorization", `Bearer ${init.bearer}`);
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return new Request(`${APP}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
}

/** Route context as Next passes it: params is a promise. */
export function routeParams<T extends Record<string, string>>(params: T): { params: Promise<T> } {
  return { params: Promise.resolve(params) };
}
