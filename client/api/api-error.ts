import type { ClientErrorCode } from "@/lib/contracts/errors";
import { isTransientApiFailure } from "@/client/retry-policy";

/**
 * A refusal or failure from this app's API, as the page and the CLI both see it. The API answers
 * `{ error: { code, message } }`; callers branch on `code`, and the retry rules read `status`.
 */
export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    /** From a 429's `Retry-After`: how long the server asks us to wait, or null when it didn't say. */
    readonly retryAfterMs: number | null = null,
    /** The same `Retry-After` in whole seconds as the server said it, uncapped: the wait a person is told. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A refusal the server would give again (400, 413, 415, the store's own refusal...): asking once more only costs a request. */
export function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && !isTransientApiFailure(error);
}
