import { ZodError } from "zod";

/** Every error code the API answers with, and its HTTP status. The client branches on `code`. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  upload_incomplete: 409,
  not_previewable: 409,
  preview_invalid: 409,
  too_large: 413,
  quota_exceeded: 413,
  payload_too_large: 413,
  unsupported_type: 415,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  /** The file store lacks an operation the upload needs (its S3 API answered NotImplemented). */
  storage_unsupported: 501,
  /** The file store said no to the server's request (a 4xx; its code is in the message): retrying will not help. */
  storage_refused: 502,
  storage_unavailable: 503,
  server_busy: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Failures only a client names: no answer from our API or storage, storage failing a request
 * (storage refusing one is `storage_refused`, the server's code too), and a multipart upload
 * stopped by a part that failed for good.
 */
export const CLIENT_ERROR_CODES = ["network_error", "storage_error", "part_failed"] as const;

/** Every code an upload can fail with on the page or in the CLI: the server's and the client's own. */
export type ClientErrorCode = ErrorCode | (typeof CLIENT_ERROR_CODES)[number];

export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  bad_request: "The request is not valid.",
  unauthorized: "Sign in to continue.",
  forbidden: "You may not do that.",
  not_found: "Not found.",
  conflict: "That conflicts with the current state.",
  upload_incomplete: "The upload has not reached storage yet.",
  not_previewable: "Files of this type get no preview.",
  preview_invalid: "The stored preview is not an image of its planned size and type.",
  too_large: "The file is too large.",
  quota_exceeded: "This upload would exceed your storage quota.",
  payload_too_large: "The request body is too large.",
  unsupported_type: "This file type is not allowed.",
  unsupported_media_type: "Send the request body as application/json.",
  rate_limited: "Too many requests; try again shortly.",
  internal: "Something went wrong on our side.",
  storage_unsupported: "The file store does not support this operation.",
  storage_refused: "The file store refused the request.",
  storage_unavailable: "File storage is unavailable; try again shortly.",
  server_busy: "The server is busy; try again shortly.",
};

export type ErrorBody = { error: { code: ErrorCode; message: string } };

export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return { error: { code, message: message ?? DEFAULT_MESSAGES[code] } };
}

/** Names the first failing field, e.g. `size: Too small: expected number to be >=0`. */
export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return DEFAULT_MESSAGES.bad_request;
  const field = issue.path.length > 0 ? issue.path.join(".") : "body";
  return `${field}: ${issue.message}`;
}

/** One item's failure inside a batch answer: the status and body the item would have had alone. */
export type ErrorResult = ErrorBody & { status: number };
