/**
 * What to do when a request to S3 fails: retry with exponential backoff and full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"), fetch a fresh presigned URL, or give up.
 */
export const RETRY_BASE_DELAY_MS = 500;
export const RETRY_MAX_DELAY_MS = 20_000;
/** Tries per part, the first included; past this the file fails with the last error. */
export const MAX_PART_ATTEMPTS = 8;

export type FailureKind = "retry" | "expired" | "fatal";

export type RequestFailure = {
  /** HTTP status, or 0 when the request never got an answer (network error, timeout). */
  status: number;
  /** S3's XML error body, when there is one. */
  body?: string;
};

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

export function classifyFailure({ status, body }: RequestFailure): FailureKind {
  const code = s3ErrorCode(body);
  if (isTransientStatus(status)) return "retry";
  if (status === 403 && (code === "ExpiredToken" || code === "TokenRefreshRequired" || /expired/i.test(body ?? ""))) return "expired";
  // Transient answers S3 gives as 400: a slow client timed out, or bytes were damaged in transit.
  if (status === 400 && (code === "RequestTimeout" || code === "BadDigest" || code === "XAmzContentChecksumMismatch")) return "retry";
  return "fatal";
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
