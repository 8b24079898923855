/**
 * The one error a request to storage fails with, whoever sent it: the page's XHR POST and PUT
 * (client/xhr-send.ts, client/multipart/part-transport.ts) and the CLI's fetch
 * (cli/fetch-transport.ts). The retry rules (client/retry-policy.ts) read its status, S3's XML
 * body and the wait it asked for; the queue shows its code.
 */
import { retryAfterMs, s3ErrorCode } from "./retry-policy";

export type StorageErrorCode = "storage_refused" | "storage_error" | "network_error";

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /** HTTP status, or 0 when storage never answered. */
  readonly status: number;
  /** Storage's XML error body, so the retry decision can read its `<Code>` and message. */
  readonly body: string;
  /** From `Retry-After` (a 503 SlowDown's, when CORS lets the page read it), else null. */
  readonly retryAfterMs: number | null;

  constructor(code: StorageErrorCode, message: string, status: number, body = "", retryAfterMs: number | null = null) {
    super(message);
    this.name = "StorageError";
    this.code = code;
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Storage never answered (connection dropped, timed out). */
export function storageUnreachable(): StorageError {
  return new StorageError("network_error", "The connection to storage failed.", 0);
}

/** S3 answers a broken policy or URL (wrong size, type, key, expired signature) with a 4xx and an XML reason. */
export function storageErrorFor(status: number, body: string, retryAfter: string | null = null): StorageError {
  const detail = s3ErrorCode(body);
  const wait = retryAfterMs(retryAfter);
  if (status >= 400 && status < 500) {
    return new StorageError("storage_refused", `Storage refused the upload${detail ? ` (${detail})` : ""}.`, status, body, wait);
  }
  return new StorageError("storage_error", `Storage failed with status ${status}${detail ? ` (${detail})` : ""}.`, status, body, wait);
}
