import "server-only";
import { randomUUID } from "node:crypto";
import { getUserByEmail } from "@/db/queries/users";
import { credentialsSchema } from "@/lib/contracts/auth-schemas";
import { rateLimitedSignInError } from "@/lib/sign-in-errors";
import { beginSignInAttempt, requestAddress } from "./auth-limits";
import { hashPassword, verifyPassword } from "./password";

export type SignedInUser = { id: string; email: string; name: string | null };

let dummyHash: Promise<string> | undefined;
/** A real hash of nothing anyone knows: an unknown email costs the same scrypt as a known one. */
function hashForUnknownEmail(): Promise<string> {
  dummyHash ??= hashPassword(randomUUID());
  return dummyHash;
}

/**
 * next-auth's credentials `authorize`: the user for a right email and password, null otherwise.
 * The sign-in limits are checked first, before any password is hashed; over them it throws
 * `rate_limited:<seconds>`, which next-auth hands to the page as the error code (and the auth
 * route answers 429 with `Retry-After`).
 */
export async function authorizeCredentials(credentials: unknown, headers: Headers | Record<string, unknown>): Promise<SignedInUser | null> {
  const parsed = credentialsSchema.safeParse(credentials);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const attempt = await beginSignInAttempt({ email, address: requestAddress(headers) });
  if (!attempt.allowed) throw new Error(rateLimitedSignInError(attempt.retryAfterSeconds));
  const user = await getUserByEmail({ email });
  if (!user?.passwordHash) {
    await verifyPassword(password, await hashForUnknownEmail());
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  await attempt.succeeded();
  return { id: user.id, email: user.email, name: user.name };
}
