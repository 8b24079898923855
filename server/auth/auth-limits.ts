import "server-only";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { consumeRateLimit, refundRateLimit } from "@/server/ops/rate-limit";
import { clientAddress, UNKNOWN_ADDRESS } from "./client-address";

/** Failed sign-ins are counted in fixed windows of 15 minutes (per account and per address). */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Sign-ups are counted in fixed windows of one hour per address. */
export const SIGN_UP_WINDOW_MS = 60 * 60_000;

/** How many addresses' sign-ups the shared budget holds when clients can't be told apart. */
export const SHARED_SIGN_UP_FACTOR = 10;

/** Bucket names; the part before the first `:` is the family whose old windows are cleared together. */
export const authBucket = {
  signInAccount: (email: string) => `signin-account:${email}`,
  signInAddress: (address: string) => `signin-address:${address}`,
  signUpAddress: (address: string) => `signup-address:${address}`,
};

/** The caller's address for the per-address limits (see client-address.ts for the rule). */
export function requestAddress(headers: Headers | Record<string, unknown>): string {
  const value = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
  return clientAddress(typeof value === "string" ? value : null, getEnv().TRUST_PROXY_HOPS);
}

export type SignInAttempt =
  | { allowed: true; /** Call once the password proved right: a success costs nothing. */ succeeded: () => Promise<void> }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Reserves one failed sign-in for the account (normalised email) and one for the address before
 * the password is checked, so concurrent guesses can't all slip past the count; a sign-in that
 * succeeds gives both back. A refused attempt spends nothing.
 */
export async function beginSignInAttempt(input: { email: string; address: string }): Promise<SignInAttempt> {
  const env = getEnv();
  const now = Date.now();
  const windowMs = SIGN_IN_WINDOW_MS;
  const account = { bucket: authBucket.signInAccount(input.email), limit: env.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT };
  // Clients that can't be told apart share no address budget: one guesser would lock everyone out.
  // The per-account limit still caps guesses at each account.
  const address =
    input.address === UNKNOWN_ADDRESS ? null : { bucket: authBucket.signInAddress(input.address), limit: env.RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS };
  if (address) {
    const byAddress = await consumeRateLimit({ ...address, now, windowMs });
    if (!byAddress.allowed) return { allowed: false, retryAfterSeconds: byAddress.retryAfterSeconds };
  }
  const byAccount = await consumeRateLimit({ ...account, now, windowMs });
  if (!byAccount.allowed) {
    if (address) await refundRateLimit({ bucket: address.bucket, now, windowMs });
    return { allowed: false, retryAfterSeconds: byAccount.retryAfterSeconds };
  }
  return {
    allowed: true,
    succeeded: async () => {
      await refundRateLimit({ bucket: account.bucket, now, windowMs });
      if (address) await refundRateLimit({ bucket: address.bucket, now, windowMs });
    },
  };
}

/** Without a trusted proxy every client shares one budget: a flood brake sized for many people. */
export function signUpLimitFor(address: string, perAddress: number): number {
  return address === UNKNOWN_ADDRESS ? perAddress * SHARED_SIGN_UP_FACTOR : perAddress;
}

/** Throws 429 `rate_limited` with `Retry-After` once the address has used its sign-ups for the hour. */
export async function enforceSignUpLimit(address: string): Promise<void> {
  const limit = signUpLimitFor(address, getEnv().RATE_LIMIT_SIGNUPS_PER_ADDRESS);
  const result = await consumeRateLimit({ bucket: authBucket.signUpAddress(address), limit, windowMs: SIGN_UP_WINDOW_MS });
  if (result.allowed) return;
  throw new AppError("rate_limited", `Too many sign-ups from your network; try again in ${result.retryAfterSeconds} s.`, {
    headers: { "Retry-After": String(result.retryAfterSeconds) },
  });
}
