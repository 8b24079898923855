import "server-only";
import { decrementRateLimit, deleteRateLimitsBefore, incrementRateLimit } from "@/db/queries/rate-limits";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/contracts/errors";
import { RATE_LIMIT_WINDOW_MS, rateLimitWindow } from "./rate-limit-window";

/** What is limited per user: uploads started, and part URLs signed (by part count, not requests). */
export type RateLimitKind = "uploads" | "parts";

export function rateLimitBucket(kind: RateLimitKind, userId: string): string {
  return `${kind}:${userId}`;
}

export type RateLimitResult = { allowed: boolean; retryAfterSeconds: number };

/**
 * Spends `cost` from the bucket's budget for the current window (one minute unless `windowMs`
 * says otherwise), kept in Postgres so the limit holds across serverless instances. The first
 * spend of a window also clears its family's windows (buckets sharing the prefix up to the first
 * `:`) older than the previous one (kept, so an instance whose clock runs a little behind still
 * counts into a live row), so the table stays at about two rows per active bucket.
 */
export async function consumeRateLimit(input: {
  bucket: string;
  limit: number;
  cost?: number;
  now?: number;
  windowMs?: number;
}): Promise<RateLimitResult> {
  const cost = input.cost ?? 1;
  const windowMs = input.windowMs ?? RATE_LIMIT_WINDOW_MS;
  const window = rateLimitWindow(input.now ?? Date.now(), windowMs);
  if (cost <= 0) return { allowed: true, retryAfterSeconds: window.retryAfterSeconds };
  const count = await incrementRateLimit({ bucket: input.bucket, windowStart: window.start, cost, limit: input.limit });
  if (count === cost) {
    const prefix = input.bucket.slice(0, input.bucket.indexOf(":") + 1);
    await deleteRateLimitsBefore({ before: new Date(window.start.getTime() - windowMs), prefix });
  }
  return { allowed: count !== null, retryAfterSeconds: window.retryAfterSeconds };
}

/** Gives back what a consumeRateLimit call with the same `now` and `windowMs` spent. */
export async function refundRateLimit(input: { bucket: string; cost?: number; now: number; windowMs?: number }): Promise<void> {
  const window = rateLimitWindow(input.now, input.windowMs ?? RATE_LIMIT_WINDOW_MS);
  await decrementRateLimit({ bucket: input.bucket, windowStart: window.start, cost: input.cost ?? 1 });
}

/** Throws 429 `rate_limited` with `Retry-After` when the user is over the configured limit. */
export async function enforceRateLimit(kind: RateLimitKind, userId: string, cost = 1): Promise<void> {
  const env = getEnv();
  const limit = kind === "uploads" ? env.RATE_LIMIT_UPLOADS_PER_MINUTE : env.RATE_LIMIT_PARTS_PER_MINUTE;
  const result = await consumeRateLimit({ bucket: rateLimitBucket(kind, userId), limit, cost });
  if (result.allowed) return;
  const what = kind === "uploads" ? `${limit} uploads` : `${limit} part URLs`;
  throw new AppError("rate_limited", `At most ${what} per minute; try again in ${result.retryAfterSeconds} s.`, {
    headers: { "Retry-After": String(result.retryAfterSeconds) },
  });
}
