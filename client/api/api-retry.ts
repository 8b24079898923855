/**
 * The one fetch-and-retry helper for our API's calls: a call is tried again after transient
 * failures (no answer, 408, 429, 5xx), after the answer's Retry-After or a backoff, as
 * client/retry-policy.ts decides. Used by the upload jobs and the file items made ahead alike.
 */
import { decideRetry, failureOf, type UploadStep } from "@/client/retry-policy";
import type { CreateUploadBody, CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import { newIdempotencyKey } from "./idempotency-key";

/** Resolves after `ms`, or rejects as soon as the upload is cancelled. */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Runs one API call, trying again after transient failures; anything else (a refusal, a bug, a cancel) is thrown at once. */
export async function callWithRetries<T>(step: Exclude<UploadStep, "post">, call: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const failure = failureOf(err);
      const decision = signal.aborted || !failure ? { action: "fail" as const } : decideRetry(step, failure, attempt, Math.random());
      if (decision.action === "fail") throw err;
      await waitUnlessAborted(decision.delayMs, signal);
    }
  }
}

/**
 * Makes the file item and signs its upload, trying again after transient failures. One idempotency
 * key for every try, so a retry after a lost answer gets the same file item back, not a second one.
 */
export function createWithRetries(create: (body: CreateUploadBody) => Promise<CreateUploadResponse>, body: CreateUploadBody, signal: AbortSignal): Promise<CreateUploadResponse> {
  // A body that already has a key (a file item asked for ahead) keeps it: the server answers the
  // file item stored under it, if any, instead of storing a second one.
  const keyed = { ...body, idempotencyKey: body.idempotencyKey ?? newIdempotencyKey() };
  return callWithRetries("create", () => create(keyed), signal);
}
