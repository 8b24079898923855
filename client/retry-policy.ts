/**
 * The one place that says when a failed request is tried again, how long to wait first, and how
 * many tries each step gets: our API's calls (create, complete, the multipart calls), the form
 * POST of a small file, and the PUT of a part. Transient failures (no answer, 408, 429, 5xx, S3's
 * SlowDown) are retried with exponential backoff and full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), or after the answer's Retry-After when it says; an expired
 * signature gets a fresh one; a refusal that would only repeat (a broken policy condition, 413,
 * 415, 401...) fails at once. Pure: errors are read by their shape (ApiError and StorageError both
 * carry `status` and `retryAfterMs`), so this module imports none of the callers.
 */
export const RETRY_BASE_DELAY_MS = 500;
export const RETRY_MAX_DELAY_MS = 20_000;
/** Tries per part, the first included; past this the file fails with the last error. */
export const MAX_PART_ATTEMPTS = 8;
/** Tries per step of a single-POST upload and per API call, the first included. Re-signing an expired policy counts as a POST try. */
export const MAX_UPLOAD_ATTEMPTS = 5;
/**
 * Waits between the last tries of a multipart upload's part reports before its complete: a blip
 * should not fail a finished upload, and the reports ride along with parts until then anyway.
 */
export const REPORT_BEFORE_COMPLETE_WAITS_MS: readonly number[] = [200, 1_000];

export type FailureKind = "retry" | "expired" | "fatal";

/** The steps retried as a whole request: our API's create and complete, and a small file's one request to storage ("post": its form POST or presigned PUT). */
export type UploadStep = "create" | "post" | "complete";

export type RequestFailure = {
  /** HTTP status, or 0 when the request never got an answer (network error, timeout). */
  status: number;
  /** S3's XML error body, when there is one. */
  body?: string;
  /** What `Retry-After` asked for, when the answer said. */
  retryAfterMs?: number | null;
  /** Our API's error code, when the answer was our API's. */
  code?: string;
};

/**
 * Our API's 5xx answers that say the file store itself said no (501 storage_unsupported, 502
 * storage_refused): the store would say the same again, so they are not retried.
 */
const STORE_REFUSAL_CODES: readonly string[] = ["storage_unsupported", "storage_refused"];

/** A failed call to our API that may go through later: a transient status that is not the store's refusal. */
export function isTransientApiFailure({ status, code }: { status: number; code?: string }): boolean {
  return isTransientStatus(status) && !(code !== undefined && STORE_REFUSAL_CODES.includes(code));
}

export type RetryDecision =
  /** The same request again, after `delayMs`. */
  | { action: "retry"; delayMs: number }
  /** The POST's policy has expired: release the file item, create a new one, and POST with its policy. */
  | { action: "renew"; delayMs: number }
  | { action: "fail" };

/** The `<Code>` of an S3 XML error body, such as `AccessDenied` or `SlowDown`; null when there is none. */
export function s3ErrorCode(body: string | undefined): string | null {
  return /<Code>([A-Za-z0-9_.-]{1,64})<\/Code>/.exec(body ?? "")?.[1] ?? null;
}

/**
 * No answer (0), a timeout (408), "slow down" (429) or a server error (5xx): the same request may
 * go through later. True for storage and for our own API alike.
 */
export function isTransientStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** A request to storage (a part's PUT, a POST) that failed: retry it, sign it again, or give up. */
export function classifyFailure({ status, body }: RequestFailure): FailureKind {
  const code = s3ErrorCode(body);
  if (isTransientStatus(status)) return "retry";
  if (status === 403 && (code === "ExpiredToken" || code === "TokenRefreshRequired" || /expired/i.test(body ?? ""))) return "expired";
  // Transient answers S3 gives as 400: a slow client timed out, or bytes were damaged in transit.
  if (status === 400 && (code === "RequestTimeout" || code === "BadDigest" || code === "XAmzContentChecksumMismatch")) return "retry";
  return "fatal";
}

/**
 * A failed call to our API made by a multipart upload (sign, report, complete): its refusals
 * (401, 404, 409...) will not change on retry; its 429 and 5xx may, and so may anything that is
 * not an answer at all (a part's hashing that failed), which the part's own tries bound.
 */
export function classifyApiFailure(err: unknown): "retry" | "fatal" {
  const { status, code } = (err ?? {}) as { status?: unknown; code?: unknown };
  return typeof status !== "number" || isTransientApiFailure({ status, code: typeof code === "string" ? code : undefined }) ? "retry" : "fatal";
}

/** Full jitter: uniformly random in [0, min(cap, base * 2^attempt)). `random` is in [0, 1). */
export function backoffDelayMs(attempt: number, random: number): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.floor(random * ceiling);
}

/** A 429 or 503 may say how long to wait; honour it (in seconds) over our own backoff. */
export function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 60_000) : null;
}

/**
 * What the retry rules read of an error: the status, body and wait of an answer from our API
 * (ApiError) or from storage (StorageError). Anything else (a bug, a cancel) is null: not retried.
 */
export function failureOf(err: unknown): RequestFailure | null {
  if (!(err instanceof Error) || (err.name !== "ApiError" && err.name !== "StorageError")) return null;
  const { status, body, retryAfterMs } = err as Error & RequestFailure;
  const code = err.name === "ApiError" ? (err as Error & { code?: string }).code : undefined;
  return typeof status === "number" ? { status, body, retryAfterMs, ...(code ? { code } : {}) } : null;
}

/**
 * 400s that storage gives when the body arrived broken, not when the form was wrong: B2 once saw
 * MinIO answer 2 of 1,000 POSTs under load with MalformedPOSTRequest, and a second try goes through.
 */
const TRANSIENT_POST_400_CODES = ["MalformedPOSTRequest", "IncompleteBody"];

function postFailureKind({ status, body }: RequestFailure): FailureKind {
  const code = s3ErrorCode(body);
  if (status === 400 && code && TRANSIENT_POST_400_CODES.includes(code)) return "retry";
  return classifyFailure({ status, body });
}

/**
 * What to do after try number `attempt` (1 for the first) of `step` failed. `policyExpired` says
 * whether the POST policy in hand is past its expiry by the browser's clock; `random` is in [0, 1).
 */
export function decideRetry(step: UploadStep, failure: RequestFailure, attempt: number, random: number, policyExpired = false): RetryDecision {
  if (attempt >= MAX_UPLOAD_ATTEMPTS) return { action: "fail" };
  const delayMs = failure.retryAfterMs ?? backoffDelayMs(attempt, random);
  if (step !== "post") return isTransientApiFailure(failure) ? { action: "retry", delayMs } : { action: "fail" };
  switch (postFailureKind(failure)) {
    case "fatal":
      return { action: "fail" };
    case "expired":
      // Storage said the policy is spent: a new one is needed, and waiting would not help.
      return { action: "renew", delayMs: 0 };
    case "retry":
      return { action: policyExpired ? "renew" : "retry", delayMs };
  }
}

/** True when the policy will have expired by the time a re-send starts (`marginMs` from now). */
export function isPolicyExpired(expiresAt: string, now: number, marginMs = 5_000): boolean {
  const at = Date.parse(expiresAt);
  return Number.isNaN(at) || at - marginMs <= now;
}
