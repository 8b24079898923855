import "server-only";
import { randomUUID } from "node:crypto";
import { getUserByEmail } from "@/db/queries/users";
import { credentialsSchema } from "@/lib/contracts/auth-schemas";
import { busySignInError, rateLimitedSignInError } from "@/lib/sign-in-errors";
import { beginSignInAttempt, requestAddress } from "./auth-limits";
import { deviceFor } from "./device-cookie";
import { HASH_BUSY_RETRY_AFTER_SECONDS, inHashSlot } from "./hash-slots";
import { hashPassword, verifyPassword } from "./password";
import { notePasswordSignIn } from "./sign-in-scope";

export type SignedInUser = { id: string; email: string; name: string | null };

let dummyHash: Promise<string> | undefined;
/** A real hash of nothing anyone knows: an unknown email costs the same scrypt as a known one. */
function hashForUnknownEmail(): Promise<string> {
  dummyHash ??= hashPassword(randomUUID());
  return dummyHash;
}

/** The request's Cookie header as next-auth hands `authorize` the headers (a plain object). */
function cookieHeaderOf(headers: Headers | Record<string, unknown>): string | null {
  const value = headers instanceof Headers ? headers.get("cookie") : headers.cookie;
  return typeof value === "string" ? value : null;
}

/** What checking a password came to: the account's user, a wrong email or password, or refused by the limits. */
export type PasswordCheck = { outcome: "right"; user: SignedInUser } | { outcome: "wrong" } | { outcome: "limited"; retryAfterSeconds: number };

/**
 * Whether `password` is the password of the account with this (normalised) email, within the
 * sign-in limits (auth-limits.ts), which are checked first, before any password is hashed. An
 * unknown email costs the same scrypt as a wrong password. The caller holds a hash slot.
 */
export async function checkPassword(input: { email: string; password: string; headers: Headers | Record<string, unknown> }): Promise<PasswordCheck> {
  const { email, password, headers } = input;
  const attempt = await beginSignInAttempt({ email, address: requestAddress(headers), device: deviceFor(cookieHeaderOf(headers), email) });
  if (!attempt.allowed) return { outcome: "limited", retryAfterSeconds: attempt.retryAfterSeconds };
  const user = await getUserByEmail({ email });
  if (!user?.passwordHash) {
    await verifyPassword(password, await hashForUnknownEmail());
    return { outcome: "wrong" };
  }
  if (!(await verifyPassword(password, user.passwordHash))) return { outcome: "wrong" };
  await attempt.succeeded();
  return { outcome: "right", user: { id: user.id, email: user.email, name: user.name } };
}

/**
 * next-auth's credentials `authorize`: the user for a right email and password, null otherwise.
 * A free hash slot comes first (hash-slots.ts): without one it throws `busy:<seconds>` at once,
 * having checked and counted nothing. Over the sign-in limits it throws `rate_limited:<seconds>`.
 * next-auth hands either to the page as the error code, and the auth route answers 503 or 429
 * with `Retry-After`. A right password is noted for the auth route, which gives the browser the
 * account's device cookie.
 */
export async function authorizeCredentials(credentials: unknown, headers: Headers | Record<string, unknown>): Promise<SignedInUser | null> {
  const parsed = credentialsSchema.safeParse(credentials);
  if (!parsed.success) return null;
  const check = await inHashSlot(
    () => checkPassword({ ...parsed.data, headers }),
    () => new Error(busySignInError(HASH_BUSY_RETRY_AFTER_SECONDS)),
  );
  if (check.outcome === "limited") throw new Error(rateLimitedSignInError(check.retryAfterSeconds));
  if (check.outcome === "wrong") return null;
  notePasswordSignIn(check.user.email);
  return check.user;
}
