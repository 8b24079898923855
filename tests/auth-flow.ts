// First: Next's request scope needs AsyncLocalStorage on globalThis before Next's modules load.
import { inNextRequestScope } from "../testing/next-request-scope";
import { NextRequest } from "next/server";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { APP } from "../testing/requests";

/*
 * next-auth's own HTTP flow, through the app's auth route (app/api/auth/[...nextauth]/route.ts), as
 * a browser drives it: a CSRF token first, then a form POST. Cookies are kept by name, like a jar.
 */

const PAGE = "/api/auth/[...nextauth]/route";

/** Cookies by name, as a browser keeps them for this app. */
export type CookieJar = Map<string, string>;

export const cookieHeader = (jar: CookieJar) => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

/** Stores every Set-Cookie of `res` in `jar` (an expired or emptied one is removed). */
function keepCookies(jar: CookieJar, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === "" || /max-age=0\b/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

async function call(method: "GET" | "POST", path: string[], jar: CookieJar, init: { form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.size > 0) headers.set("cookie", cookieHeader(jar));
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  if (body) headers.set("content-type", "application/x-www-form-urlencoded");
  const req = new NextRequest(`${APP}/api/auth/${path.join("/")}`, { method, headers, body });
  const ctx = { params: Promise.resolve({ nextauth: path }) };
  const res = await inNextRequestScope(PAGE, req, () => (method === "GET" ? authGet(req, ctx) : authPost(req, ctx)));
  keepCookies(jar, res);
  return res;
}

async function csrfToken(jar: CookieJar, headers?: Record<string, string>): Promise<string> {
  const res = await call("GET", ["csrf"], jar, { headers });
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

/** POST /api/auth/callback/credentials as next-auth's `signIn("credentials", { redirect: false })` sends it. */
export async function signInWithPassword(jar: CookieJar, credentials: { email: string; password: string }, headers?: Record<string, string>): Promise<Response> {
  const form = { ...credentials, csrfToken: await csrfToken(jar, headers), callbackUrl: `${APP}/upload`, json: "true" };
  return call("POST", ["callback", "credentials"], jar, { form, headers });
}

/** POST /api/auth/signout as next-auth's `signOut()` sends it. */
export async function signOutSession(jar: CookieJar): Promise<Response> {
  return call("POST", ["signout"], jar, { form: { csrfToken: await csrfToken(jar), callbackUrl: `${APP}/signin`, json: "true" } });
}

/** GET /api/auth/session: what `useSession()` reads. */
export async function readSession(jar: CookieJar): Promise<{ res: Response; body: { user?: { id?: string; email?: string } } }> {
  const res = await call("GET", ["session"], jar);
  return { res, body: (await res.json()) as { user?: { id?: string; email?: string } } };
}

/** The session cookie in the jar, as a Cookie header for the app's other routes (null when signed out). */
export function sessionCookieOf(jar: CookieJar): string | null {
  const value = jar.get("next-auth.session-token");
  return value ? `next-auth.session-token=${value}` : null;
}
