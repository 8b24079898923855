import "server-only";
import GitHubProvider from "next-auth/providers/github";
import { createUser, getUserByEmail } from "@/db/queries/users";
import { userNameSchema } from "@/lib/contracts/auth-schemas";
import { decideGitHubLink, verifiedPrimaryEmail } from "./github-account";

const GITHUB_EMAILS_URL = "https://api.github.com/user/emails";

/**
 * next-auth's GitHub provider, except that the profile's email is always the verified primary
 * address from `/user/emails` (or null). The stock provider takes the public profile email as is
 * and, without one, the primary address whether verified or not.
 */
export function gitHubProvider(clientId: string, clientSecret: string) {
  return GitHubProvider({
    clientId,
    clientSecret,
    userinfo: {
      url: "https://api.github.com/user",
      async request({ client, tokens }) {
        const profile = await client.userinfo(tokens.access_token!);
        const res = await fetch(GITHUB_EMAILS_URL, {
          headers: { Authorization: `Bearer ${tokens.access_token}`, Accept: "application/vnd.github+json", "User-Agent": "s3-direct-uploads" },
        });
        const email = res.ok ? verifiedPrimaryEmail(await res.json().catch(() => null)) : null;
        return { ...profile, email: email ?? undefined };
      },
    },
  });
}

/** The GitHub profile's name if sign-up would take it as a name (lib/contracts/auth-schemas.ts), else none: it is not ours to refuse. */
function storableName(name: string | null | undefined): string | null {
  const parsed = userNameSchema.safeParse(name ?? "");
  return parsed.success && parsed.data ? parsed.data : null;
}

/**
 * Our user id for a GitHub sign-in with this (already verified) email, creating the user on the
 * first sign-in, or the sign-in error code when it must be refused. Safe to call twice (next-auth's
 * signIn callback, then its jwt callback): the second call finds the row the first made.
 */
export async function resolveGitHubUser(email: string | null | undefined, name?: string | null): Promise<{ userId: string } | { error: string }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = email ? await getUserByEmail({ email }) : null;
    const decision = decideGitHubLink(email ?? null, existing);
    if (decision.kind === "refuse") return { error: decision.error };
    if (decision.kind === "existing") return { userId: decision.userId };
    const created = await createUser({ email: decision.email, name: storableName(name), passwordHash: null });
    if (created) return { userId: created.id };
    // Someone took the email between the read and the insert: decide again on their row.
  }
  return { error: "Callback" };
}
