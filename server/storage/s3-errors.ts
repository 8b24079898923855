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
