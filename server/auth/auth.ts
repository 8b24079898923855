import "server-only";
import type { NextAuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { getUserById } from "@/db/queries/users";
import { authenticateApiToken } from "./api-tokens";
import { assertSameOriginRequest } from "@/server/http/csrf";
import { getEnv } from "@/server/env";
import { isUuid } from "@/server/http/parse";
import { AppError } from "@/server/http/app-error";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { authorizeCredentials } from "./credentials";
import { gitHubProvider, resolveGitHubUser } from "./github";

/** `apiTokenId`: the API token the request came with; absent for the session. */
export type CurrentUser = { id: string; email: string; name: string | null; apiTokenId?: string };

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
    session: { strategy: "jwt" },
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
    return { id: found.user.id, email: found.user.email, name: found.user.name, apiTokenId: found.token.id };
  }
  const token = await getToken({
    // Only the session cookie counts here; a Bearer header is not read as a session JWT.
    req: { headers: {}, cookies: parseCookieHeader(req.headers.get("cookie")) } as never,
    secret: env.AUTH_SECRET,
    secureCookie: env.APP_URL.startsWith("https://"),
  }).catch(() => null);
  // No session: a 401 tells a script that forgot its token more than a cross-site refusal would.
  // `sub` is one of our uuids; anything else (an OAuth provider's id, a forged value) is no session.
  if (!token?.sub || !isUuid(token.sub)) throw new AppError("unauthorized");
  assertSameOriginRequest(req, env.APP_URL);
  const user = await getUserById({ id: token.sub });
  if (!user) throw new AppError("unauthorized");
  return { id: user.id, email: user.email, name: user.name };
}

/** For server components: the signed-in user or null. */
export async function getSessionUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(getAuthOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id || !isUuid(id)) return null;
  const user = await getUserById({ id });
  return user ? { id: user.id, email: user.email, name: user.name } : null;
}
