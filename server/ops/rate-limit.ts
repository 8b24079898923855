import "server-only";
import { decrementRateLimit, deleteRateLimitsBefore, incrementRateLimit } from "@/db/queries/rate-limits";
import { getEnv, type Env } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { RATE_LIMIT_WINDOW_MS, rateLimitWindow } from "./rate-limit-window";

const HOUR_MS = 60 * RATE_LIMIT_WINDOW_MS;

/**
 * What is limited per user. Upload limits count requests, not files: a batch create of 100 small
 * files costs the server about what one single create does, so counting its files throttled
 * people dropping a folder while protecting nothing. Files get a looser hourly brake against
 * floods of empty file items (bytes are the quota's job), and part URLs count one per part.
 * Completes count one per file item, since each costs storage requests (a ranged GET, a copy, a
 * delete); an upload's status one per request (a ListParts, paged). Share links and API tokens
 * count each create and revoke: a brake on churn that would grow their tables without end.
 */
export type RateLimitKind = "upload-requests" | "upload-files" | "parts" | "completes" | "upload-status" | "link-changes" | "token-changes";

type LimitRule = { limit: (env: Env) => number; windowMs: number; what: (limit: number) => string };

const RULES: Record<RateLimitKind, LimitRule> = {
  "upload-requests": { limit: (env) => env.RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE, windowMs: RATE_LIMIT_WINDOW_MS, what: (n) => `${n} upload requests per minute` },
  "upload-files": { limit: (env) => env.RATE_LIMIT_UPLOAD_FILES_PER_HOUR, windowMs: HOUR_MS, what: (n) => `${n} new uploads per hour` },
  parts: { limit: (env) => env.RATE_LIMIT_PARTS_PER_MINUTE, windowMs: RATE_LIMIT_WINDOW_MS, what: (n) => `${n} part URLs per minute` },
  completes: { limit: (env) => env.RATE_LIMIT_COMPLETES_PER_MINUTE, windowMs: RATE_LIMIT_WINDOW_MS, what: (n) => `${n} uploads completed per minute` },
  "upload-status": { limit: (env) => env.RATE_LIMIT_UPLOAD_STATUS_PER_MINUTE, windowMs: RATE_LIMIT_WINDOW_MS, what: (n) => `${n} upload status reads per minute` },
  "link-changes": { limit: (env) => env.RATE_LIMIT_SHARE_LINK_CHANGES_PER_HOUR, windowMs: HOUR_MS, what: (n) => `${n} share links made or revoked per hour` },
  "token-changes": { limit: (env) => env.RATE_LIMIT_TOKEN_CHANGES_PER_HOUR, windowMs: HOUR_MS, what: (n) => `${n} API tokens made or revoked per hour` },
};

export function rateLimitBucket(kind: RateLimitKind, userId: string): string {
  return `${kind}:${userId}`;
}

/** The window a kind is counted in (a minute, or an hour for files). */
export function rateLimitWindowMs(kind: RateLimitKind): number {
  return RULES[kind].windowMs;
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
  const rule = RULES[kind];
  const limit = rule.limit(getEnv());
  const result = await consumeRateLimit({ bucket: rateLimitBucket(kind, userId), limit, cost, windowMs: rule.windowMs });
  if (result.allowed) return;
  throw new AppError("rate_limited", `At most ${rule.what(limit)}; try again in ${result.retryAfterSeconds} s.`, {
    headers: { "Retry-After": String(result.retryAfterSeconds) },
  });
}

/**
 * A create request (single or batch) spends one request, then one file per accepted file. The
 * files check refuses the whole request (and keeps its request spent: it was made).
 */
export async function enforceUploadLimits(userId: string, files: number): Promise<void> {
  await enforceRateLimit("upload-requests", userId);
  if (files > 0) await enforceRateLimit("upload-files", userId, files);
}
