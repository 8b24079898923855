import "server-only";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { consumeRateLimit, refundRateLimit } from "@/server/ops/rate-limit";
import { clientAddress, UNKNOWN_ADDRESS } from "./client-address";

/** Failed sign-ins are counted in fixed windows of 15 minutes. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Sign-ups are counted in fixed windows of one hour per address. */
export const SIGN_UP_WINDOW_MS = 60 * 60_000;

/** How many addresses' sign-ups the shared budget holds when clients can't be told apart. */
export const SHARED_SIGN_UP_FACTOR = 10;

/** Bucket names; the part before the first `:` is the family whose old windows are cleared together. */
export const authBucket = {
  /** Every sign-in to the account from browsers without its device cookie, together: the ceiling. */
  signInAccount: (email: string) => `signin-account:${email}`,
  /** Sign-ins to the account from one address, without its device cookie. */
  signInAccountAddress: (email: string, address: string) => `signin-pair:${address} ${email}`,
  /** Sign-ins from one browser holding the account's device cookie (its nonce). */
  signInDevice: (device: string) => `signin-device:${device}`,
  /** Sign-ins from one address to any account. */
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

type Budget = { bucket: string; limit: number };

/**
 * The budgets one sign-in attempt spends from, each a count of failures per 15 minutes:
 *
 * - From a browser with the account's device cookie (device-cookie.ts): that device's own budget
 *   (RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT) and nothing else, so no one else's failures can
 *   refuse the owner's own browser.
 * - Otherwise: the address's budget across accounts (RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS), the
 *   account's budget from that address (RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT) and the account's
 *   ceiling over every such client (RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT). One guessing address
 *   spends its own pair budget, not the owner's; only a guesser spread over many addresses (the
 *   ceiling's count of them) reaches the ceiling, which caps guesses at the account however many
 *   addresses they use, and then refuses new browsers, never the owner's known ones.
 *
 * Clients that can't be told apart (no trusted proxy) have no address budget: a shared one would
 * let one guesser lock everyone out of every account. They all share one pair budget per account.
 */
function budgetsFor(input: { email: string; address: string; device: string | null }): Budget[] {
  const env = getEnv();
  const perClient = env.RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT;
  if (input.device) return [{ bucket: authBucket.signInDevice(input.device), limit: perClient }];
  const known = input.address !== UNKNOWN_ADDRESS;
  return [
    ...(known ? [{ bucket: authBucket.signInAddress(input.address), limit: env.RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS }] : []),
    { bucket: authBucket.signInAccountAddress(input.email, input.address), limit: perClient },
    { bucket: authBucket.signInAccount(input.email), limit: env.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT },
  ];
}

/**
 * Reserves one failed sign-in in each of the attempt's budgets (budgetsFor) before the password is
 * checked, so concurrent guesses can't all slip past the count; a sign-in that succeeds gives them
 * all back. A refused attempt spends nothing.
 */
export async function beginSignInAttempt(input: { email: string; address: string; device: string | null }): Promise<SignInAttempt> {
  const now = Date.now();
  const windowMs = SIGN_IN_WINDOW_MS;
  const spent: Budget[] = [];
  const refund = () => Promise.all(spent.map(({ bucket }) => refundRateLimit({ bucket, now, windowMs })));
  for (const budget of budgetsFor(input)) {
    const result = await consumeRateLimit({ ...budget, now, windowMs });
    if (!result.allowed) {
      await refund();
      return { allowed: false, retryAfterSeconds: result.retryAfterSeconds };
    }
    spent.push(budget);
  }
  return { allowed: true, succeeded: async () => void (await refund()) };
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
