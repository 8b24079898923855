import "server-only";
import { z } from "zod";
import { emailSchema } from "@/lib/contracts/auth-schemas";
import { SIGN_IN_ERROR } from "@/lib/sign-in-errors";

/** One entry of GitHub's `GET /user/emails`. */
const gitHubEmailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }).loose());

/**
 * The account's primary email if GitHub has verified it, normalised as our sign-ups are; null
 * otherwise. The public profile email is not used: it need not be the primary one, and only
 * `/user/emails` says whether GitHub verified an address.
 * @see https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 */
export function verifiedPrimaryEmail(emails: unknown): string | null {
  const parsed = gitHubEmailsSchema.safeParse(emails);
  const primary = parsed.success ? parsed.data.find((entry) => entry.primary && entry.verified) : undefined;
  const email = emailSchema.safeParse(primary?.email);
  return email.success ? email.data : null;
}

export type GitHubLinkDecision =
  | { kind: "create"; email: string }
  | { kind: "existing"; userId: string }
  | { kind: "refuse"; error: (typeof SIGN_IN_ERROR)[keyof typeof SIGN_IN_ERROR] };

/**
 * Which of our users a GitHub sign-in becomes. Only a verified primary email links; a row with a
 * password is never taken over (its owner signs in with the password), while a row made by an
 * earlier GitHub sign-in (no password) is the same person again.
 */
export function decideGitHubLink(email: string | null, existing: { id: string; passwordHash: string | null } | null): GitHubLinkDecision {
  if (!email) return { kind: "refuse", error: SIGN_IN_ERROR.githubEmailUnverified };
  if (!existing) return { kind: "create", email };
  if (existing.passwordHash !== null) return { kind: "refuse", error: SIGN_IN_ERROR.githubEmailInUse };
  return { kind: "existing", userId: existing.id };
}
