import "server-only";
import { S3ServiceException } from "@aws-sdk/client-s3";

/** How S3 (and MinIO) spell the answers callers branch on; anything else is rethrown. */
function isS3Error(err: unknown, status: number | null, names: string[]): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return (status !== null && err.$metadata.httpStatusCode === status) || names.includes(err.name);
}

/** Nothing at that key or bucket (HeadObject answers a bare 404 "NotFound"). */
export const isNotFound = (err: unknown) => isS3Error(err, 404, ["NotFound", "NoSuchKey"]);

/** The multipart upload was completed or aborted. */
export const isNoSuchUpload = (err: unknown) => isS3Error(err, null, ["NoSuchUpload"]);

/** The store lacks this API (MinIO: bucket CORS, some listings). */
export const isNotImplemented = (err: unknown) => isS3Error(err, 501, ["NotImplemented"]);

/** A ranged GET of an empty object: there is no first byte to return. */
export const isInvalidRange = (err: unknown) => isS3Error(err, 416, ["InvalidRange"]);

/** Some stores answer 405 Method Not Allowed for ListParts instead of 501. */
export const isMethodNotAllowed = (err: unknown) => isS3Error(err, 405, []);

/** MinIO rejects a lifecycle rule it won't apply as InvalidArgument. */
export const isInvalidArgument = (err: unknown) => isS3Error(err, null, ["InvalidArgument"]);
/** A conditional request whose condition failed (CopyObject's x-amz-copy-source-if-match). */
export const isPreconditionFailed = (err: unknown) => isS3Error(err, 412, ["PreconditionFailed"]);

/** The S3 operation each failed call was, recorded by the clients' middleware (clients.ts). */
const operations = new WeakMap<object, string>();

/** Called for every failed S3 call: remembers which operation the error came from. */
export function rememberOperation(err: unknown, operation: string): void {
  if (typeof err === "object" && err !== null && !operations.has(err)) operations.set(err, operation.replace(/Command$/, ""));
}

/**
 * What a failed S3 call means for the caller: the store lacks the operation (`unsupported`), the
 * store said no (`refused`: a 4xx, such as InvalidRequest, AccessDenied or NoSuchBucket), or the
 * store is busy, failing or out of reach (`unavailable`: a 5xx, SlowDown, or no answer at all).
 * Null for an error that did not come from an S3 call.
 */
export type StorageFailure = {
  kind: "unsupported" | "refused" | "unavailable";
  /** The S3 operation, e.g. `CompleteMultipartUpload`. */
  operation: string;
  /** The store's error code (`InvalidRequest`), its HTTP status, or the network error's name. */
  code: string;
};

export function storageFailureOf(err: unknown): StorageFailure | null {
  const operation = typeof err === "object" && err !== null ? operations.get(err) : undefined;
  if (!operation) return null;
  if (!(err instanceof S3ServiceException)) {
    const code = (err as { code?: unknown }).code;
    return { kind: "unavailable", operation, code: typeof code === "string" ? code : (err as Error).name || "NetworkError" };
  }
  const status = err.$metadata.httpStatusCode ?? 0;
  // The SDK names an error by the store's <Code>; a bare status (a HEAD's answer has no body) by the status.
  const code = err.name && err.name !== "Error" && err.name !== "UnknownError" ? err.name : `HTTP ${status}`;
  if (isNotImplemented(err)) return { kind: "unsupported", operation, code };
  if (status >= 500 || status === 0 || status === 429 || code === "SlowDown") return { kind: "unavailable", operation, code };
  return { kind: "refused", operation, code };
}

/** `CompleteMultipartUpload: InvalidRequest` for a store's refusal (or missing operation), to keep on the file item; undefined otherwise. */
export function storageRefusalOf(err: unknown): string | undefined {
  const failure = storageFailureOf(err);
  return failure && failure.kind !== "unavailable" ? `${failure.operation}: ${failure.code}` : undefined;
}
