import "server-only";
import type { NextAuthOptions } from "next-auth";
import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import CredentialsProvider from "next-auth/providers/credentials";
import { authenticateApiToken } from "./api-tokens";
import { assertSameOriginRequest } from "@/server/http/csrf";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { authorizeCredentials } from "./credentials";
import { gitHubProvider, resolveGitHubUser } from "./github";
import { endSessionOf, SESSION_MAX_AGE_SECONDS, startSession, userOfSession, type SessionClaims } from "./sessions";

export type CurrentUser = {
  id: string;
  email: string;
  name: string | null;
  /** The session the request came with; null for an API token (tokens are not sessions). */
  sessionId: string | null;
  /** The API token the request came with; absent for the session. */
  apiTokenId?: string;
};

/**
 * Thrown by the jwt callback for a cookie whose session was ended: next-auth then answers "no
 * session" and clears the cookie. Expected, so it is not logged as an error.
 */
class SessionEndedError extends Error {
  constructor() {
    super("This session was ended.");
    this.name = "SessionEndedError";
  }
}

const nextAuthLogger: NextAuthOptions["logger"] = {
  error(code, metadata) {
    if (metadata instanceof SessionEndedError || (metadata as { error?: unknown } | undefined)?.error instanceof SessionEndedError) return;
    console.error(`[next-auth][error][${code}]`, metadata);
  },
  warn(code) {
    console.warn(`[next-auth][warn][${code}]`);
  },
  debug() {},
};

let cachedOptions: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  if (cachedOptions) return cachedOptions;
  const env = getEnv();
  // next-auth v4 reads its canonical URL from NEXTAUTH_URL; APP_URL is this project's name for it.
  process.env.NEXTAUTH_URL ??= env.APP_URL;
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, req) => authorizeCredentials(credentials, req.headers ?? {}),
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) providers.push(gitHubProvider(env.GITHUB_ID, env.GITHUB_SECRET));
  const origin = new URL(env.APP_URL).origin;
  cachedOptions = {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    logger: nextAuthLogger,
    // Sign-out ends the session itself, so a copy of its cookie kept anywhere stops working too.
    events: { signOut: ({ token }) => endSessionOf(token as SessionClaims | null) },
    // Errors land on the sign-in page as `?error=<code>`, which it explains (lib/sign-in-errors.ts).
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        const result = await resolveGitHubUser(user.email, user.name);
        return "error" in result ? `${origin}/signin?${new URLSearchParams({ error: result.error })}` : true;
      },
      // Only our own origin: a callbackUrl is user input.
      redirect: ({ url }) => `${origin}${safeRedirectPath(url, origin, "/")}`,
      async jwt({ token, user, account }) {
        if (account?.provider === "github") {
          // OAuth accounts map onto our users table by verified primary email (server/auth/github.ts),
          // so files have one owner id. A refusal leaves no `sub`: next-auth's provider id must
          // not pose as one of our user ids.
          const result = await resolveGitHubUser(user?.email, user?.name);
          token.sub = "userId" in result ? result.userId : undefined;
        } else if (user?.id) {
          token.sub = user.id;
        }
        if (user) {
          // A sign-in: a new session, whose id every later request checks (server/auth/sessions.ts).
          token.sid = token.sub ? await startSession(token.sub) : undefined;
          return token;
        }
        // Every later read (GET /api/auth/session, server components): the session must still be live.
        if (!(await userOfSession(token))) throw new SessionEndedError();
        return token;
      },
      session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
  return cachedOptions;
}

function parseCookieHeader(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

/** The value of `Authorization: Bearer <token>`, or null when the header is absent or another scheme. */
function bearerToken(req: Request): string | null {
  const match = /^Bearer(?:\s+(.*))?$/i.exec(req.headers.get("authorization")?.trim() ?? "");
  return match ? (match[1] ?? "").trim() : null;
}

/**
 * The caller of an API request, or an AppError:
 * - `Authorization: Bearer <API token>` first: an unknown or revoked token is 401 at once (no
 *   fallback to the cookie). With `allowApiToken: false` (token management) any Bearer is 403.
 * - Otherwise the next-auth session cookie; then state-changing methods must also pass the
 *   cross-site checks of server/http/csrf.ts (403 / 415). Bearer requests are exempt: browsers never
 *   attach that header on their own, so another site can't make one.
 */
export async function getCurrentUser(req: Request, options: { allowApiToken?: boolean } = {}): Promise<CurrentUser> {
  const env = getEnv();
  const bearer = bearerToken(req);
  if (bearer !== null) {
    if (options.allowApiToken === false) {
      throw new AppError("forbidden", "API tokens can't manage API tokens; sign in and use the settings page.");
    }
    const found = await authenticateApiToken(bearer);
    if (!found) throw new AppError("unauthorized", "Unknown or revoked API token.");
    return { id: found.user.id, email: found.user.email, name: found.user.name, sessionId: null, apiTokenId: found.token.id };
  }
  const token = await getToken({
    // Only the session cookie counts here; a Bearer header is not read as a session JWT.
    req: { headers: {}, cookies: parseCookieHeader(req.headers.get("cookie")) } as never,
    secret: env.AUTH_SECRET,
    secureCookie: env.APP_URL.startsWith("https://"),
  }).catch(() => null);
  // No session: a 401 tells a script that forgot its token more than a cross-site refusal would.
  // `sub` and `sid` are our uuids; anything else (an OAuth provider's id, a forged value) is no session.
  if (!token) throw new AppError("unauthorized");
  assertSameOriginRequest(req, env.APP_URL);
  const session = await userOfSession(token);
  if (!session) throw new AppError("unauthorized");
  return { id: session.user.id, email: session.user.email, name: session.user.name, sessionId: session.sessionId };
}

/** For server components: the signed-in user (of a live session) or null. */
export async function getSessionUser(): Promise<CurrentUser | null> {
  const env = getEnv();
  const token = await getToken({
    // next-auth reads the cookie store's getAll() (chunked cookies included).
    req: { headers: {}, cookies: await cookies() } as never,
    secret: env.AUTH_SECRET,
    secureCookie: env.APP_URL.startsWith("https://"),
  }).catch(() => null);
  const session = await userOfSession(token);
  return session && { id: session.user.id, email: session.user.email, name: session.user.name, sessionId: session.sessionId };
}
