import "server-only";
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  type CORSRule,
  type LifecycleRule,
} from "@aws-sdk/client-s3";
import { clients } from "./clients";
import { isInvalidArgument, isNotFound, isNotImplemented } from "./s3-errors";
import { getEnv } from "@/server/env";

/** True when the bucket answers HeadBucket with these credentials (the health check). */
export async function bucketReachable(): Promise<boolean> {
  try {
    await clients().internal.send(new HeadBucketCommand({ Bucket: getEnv().S3_BUCKET }));
    return true;
  } catch {
    return false;
  }
}

/** Headers the browser must be able to read from S3's answers (ETag for multipart, checksums). */
export const CORS_EXPOSE_HEADERS = [
  "ETag",
  "x-amz-checksum-crc32",
  "x-amz-checksum-crc32c",
  "x-amz-checksum-sha256",
  "x-amz-version-id",
  "x-amz-request-id",
];

/**
 * Headers the browser sends to the bucket, named rather than `*` (which R2 does not take): a small
 * file's or a preview's PUT signs Content-Type, its CRC32 and, for a write-once final key,
 * If-None-Match; a part's PUT its CRC32. A form POST sends none beyond the CORS-safelisted ones.
 */
export const CORS_ALLOWED_HEADERS = ["Content-Type", "If-None-Match", "x-amz-checksum-crc32"];

export function corsRules(origins: string[]): CORSRule[] {
  return [
    {
      AllowedOrigins: origins,
      AllowedMethods: ["GET", "PUT", "POST", "HEAD"],
      AllowedHeaders: CORS_ALLOWED_HEADERS,
      ExposeHeaders: CORS_EXPOSE_HEADERS,
      MaxAgeSeconds: 3600,
    },
  ];
}

export type BucketSetup = { created: boolean; cors: "set" | "skipped" | "unsupported" };

/**
 * Creates the bucket when missing and sets its CORS. MinIO has no bucket CORS API (it answers
 * 501 NotImplemented and allows every origin unless MINIO_API_CORS_ALLOW_ORIGIN says otherwise),
 * so that answer is reported rather than thrown.
 */
export async function ensureBucket(options: { corsOrigins: string[]; setCors?: boolean }): Promise<BucketSetup> {
  const { internal } = clients();
  const Bucket = getEnv().S3_BUCKET;
  let created = false;
  try {
    await internal.send(new HeadBucketCommand({ Bucket }));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await internal.send(new CreateBucketCommand({ Bucket }));
    created = true;
  }
  if (options.setCors === false) return { created, cors: "skipped" };
  try {
    await internal.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: corsRules(options.corsOrigins) } }));
    return { created, cors: "set" };
  } catch (err) {
    if (isNotImplemented(err)) return { created, cors: "unsupported" };
    throw err;
  }
}

/**
 * Bucket rules that let S3 itself drop multipart uploads abandoned for `days`, and objects under
 * `stagingPrefix` (where POST forms write; nothing there is meant to last) after a day: a second line of defence behind `uploads:cleanup`. MinIO
 * rejects the multipart rule as invalid XML (it expires stale uploads itself,
 * MINIO_API_STALE_UPLOADS_EXPIRY, 24h by default), so that answer counts as unsupported and
 * the staging rule is set alone where the store takes it.
 */
export async function setAbortIncompleteUploadsRule(
  days: number,
  stagingPrefix: string,
): Promise<{ multipart: "set" | "unsupported"; staging: "set" | "unsupported" }> {
  const staging = { ID: "expire-staging-objects", Status: "Enabled" as const, Filter: { Prefix: stagingPrefix }, Expiration: { Days: 1 } };
  const multipart = { ID: "abort-incomplete-multipart-uploads", Status: "Enabled" as const, Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: days } };
  if ((await putLifecycleRules([multipart, staging])) === "set") return { multipart: "set", staging: "set" };
  return { multipart: "unsupported", staging: await putLifecycleRules([staging]) };
}

async function putLifecycleRules(Rules: LifecycleRule[]): Promise<"set" | "unsupported"> {
  try {
    await clients().internal.send(new PutBucketLifecycleConfigurationCommand({ Bucket: getEnv().S3_BUCKET, LifecycleConfiguration: { Rules } }));
    return "set";
  } catch (err) {
    if (isNotImplemented(err) || isInvalidArgument(err)) return "unsupported";
    throw err;
  }
}
