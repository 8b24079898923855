import "server-only";
import { ZodError } from "zod";
import { DEFAULT_MESSAGES, ERROR_STATUS, describeZodError, errorBody, type ErrorCode, type ErrorResult } from "@/lib/contracts/errors";
import { storageFailureOf, type StorageFailure } from "@/server/storage/s3-errors";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. `Retry-After` on a 429. */
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message?: string, options: { headers?: Record<string, string> } = {}) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = options.headers;
  }
}

const STORAGE_ERRORS: Record<StorageFailure["kind"], { code: ErrorCode; message: (f: StorageFailure) => string }> = {
  unsupported: { code: "storage_unsupported", message: (f) => `The file store does not support ${f.operation} (${f.code}).` },
  refused: { code: "storage_refused", message: (f) => `The file store refused ${f.operation} (${f.code}).` },
  unavailable: { code: "storage_unavailable", message: (f) => `File storage is unavailable (${f.operation}: ${f.code}); try again shortly.` },
};

/**
 * A failed S3 call as the API answers it: 501 storage_unsupported, 502 storage_refused or 503
 * storage_unavailable, naming the operation and the store's code (never its message, which is
 * logged); null for an error that did not come from storage.
 */
export function storageAppError(err: unknown): AppError | null {
  const failure = storageFailureOf(err);
  if (!failure) return null;
  const { code, message } = STORAGE_ERRORS[failure.kind];
  return new AppError(code, message(failure));
}

/** How any thrown error is answered; unknown errors never leak detail (they are logged instead). */
export function toErrorResult(err: unknown): ErrorResult {
  if (err instanceof AppError) return { status: err.status, ...errorBody(err.code, err.message) };
  if (err instanceof ZodError) return { status: 400, ...errorBody("bad_request", describeZodError(err)) };
  const storage = storageAppError(err);
  if (storage) {
    // One line for the operator: what we answered, and what the store said.
    const { $metadata: meta } = err as { $metadata?: { httpStatusCode?: number; requestId?: string } };
    console.error(`Storage error: ${storage.message}`, { status: meta?.httpStatusCode, requestId: meta?.requestId, store: (err as Error).message });
    return { status: storage.status, ...errorBody(storage.code, storage.message) };
  }
  console.error("Unhandled API error", err);
  return { status: 500, ...errorBody("internal") };
}

/** The one way a route turns a thrown error into a response. */
export function toErrorResponse(err: unknown): Response {
  const { status, error } = toErrorResult(err);
  return Response.json({ error }, { status, headers: err instanceof AppError ? err.headers : undefined });
}

/** A caught value as an Error, so per-item batch answers can hold whatever a step threw. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
