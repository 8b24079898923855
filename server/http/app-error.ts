import "server-only";
import { ZodError } from "zod";
import { DEFAULT_MESSAGES, ERROR_STATUS, describeZodError, errorBody, type ErrorCode, type ErrorResult } from "@/lib/contracts/errors";

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

/** How any thrown error is answered; unknown errors never leak detail (they are logged instead). */
export function toErrorResult(err: unknown): ErrorResult {
  if (err instanceof AppError) return { status: err.status, ...errorBody(err.code, err.message) };
  if (err instanceof ZodError) return { status: 400, ...errorBody("bad_request", describeZodError(err)) };
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
