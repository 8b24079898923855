/**
 * Whether a single-POST upload tries a failed step again on its own. The three steps are our
 * API's create, the form POST to storage and our API's complete. Transient failures (no answer,
 * 408, 429, 5xx, S3's SlowDown) are retried with the part engine's backoff (client/retry-policy.ts).
 * A refusal that would only repeat (a broken policy condition, 413, 415, 401...) fails the row.
 * A POST policy can be sent again until it expires, so a re-send reuses it. Once it has expired,
 * the upload gets a fresh record and policy instead.
 */
import { backoffDelayMs, classifyFailure, isTransientStatus, s3ErrorCode } from "@/client/retry-policy";

/** Tries per step, the first included. Re-signing an expired policy counts as a POST try. */
export const MAX_UPLOAD_ATTEMPTS = 5;

export type UploadStep = "create" | "post" | "complete";

export type StepFailure = {
  /** HTTP status, or 0 when the request never got an answer (network error, timeout). */
  status: number;
  /** S3's XML error body, for the POST. */
  body?: string;
  /** What `Retry-After` asked for, when the answer said. */
  retryAfterMs?: number | null;
};

export type RetryDecision =
  /** The same request again, after `delayMs`. */
  | { action: "retry"; delayMs: number }
  /** The POST's policy has expired: release the record, create a new one, and POST with its policy. */
  | { action: "renew"; delayMs: number }
  | { action: "fail" };

/**
 * 400s that storage gives when the body arrived broken, not when the form was wrong: B2 once saw
 * MinIO answer 2 of 1,000 POSTs under load with MalformedPOSTRequest, and a second try goes through.
 */
const TRANSIENT_POST_400_CODES = ["MalformedPOSTRequest", "IncompleteBody"];

function postFailureKind({ status, body }: StepFailure): "retry" | "expired" | "fatal" {
  const code = s3ErrorCode(body);
  if (status === 400 && code && TRANSIENT_POST_400_CODES.includes(code)) return "retry";
  return classifyFailure({ status, body });
}

/**
 * What to do after try number `attempt` (1 for the first) of `step` failed. `policyExpired` says
 * whether the POST policy in hand is past its expiry by the browser's clock; `random` is in [0, 1).
 */
export function decideRetry(step: UploadStep, failure: StepFailure, attempt: number, random: number, policyExpired = false): RetryDecision {
  if (attempt >= MAX_UPLOAD_ATTEMPTS) return { action: "fail" };
  const delayMs = failure.retryAfterMs ?? backoffDelayMs(attempt, random);
  if (step !== "post") return isTransientStatus(failure.status) ? { action: "retry", delayMs } : { action: "fail" };
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
