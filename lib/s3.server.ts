import "server-only";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
  S3Client,
  S3ServiceException,
  type CORSRule,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getEnv } from "./env";

/**
 * The only module that talks to S3. Two clients: one for the server's own calls (S3_ENDPOINT,
 * which may be a private address) and one that signs URLs for the browser (S3_PUBLIC_ENDPOINT),
 * because the host is part of what SigV4 signs.
 */
const globalForS3 = globalThis as unknown as { __s3?: { internal: S3Client; public: S3Client } };

function makeClient(endpoint: string | undefined): S3Client {
  const env = getEnv();
  return new S3Client({
    region: env.S3_REGION,
    endpoint,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    // Checksums are asked for explicitly where we want them; the SDK's default "when supported"
    // would add headers that presigned browser requests cannot send.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function clients() {
  const env = getEnv();
  globalForS3.__s3 ??= {
    internal: makeClient(env.S3_ENDPOINT),
    public: makeClient(env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT),
  };
  return globalForS3.__s3;
}

export type SignedPost = { url: string; fields: Record<string, string>; expiresAt: string };

/**
 * Signs a browser POST that can write exactly one object: this key, exactly `size` bytes,
 * this Content-Type, until `expiresInSeconds` from now. S3 enforces every condition.
 */
export async function signUploadPost(input: {
  key: string;
  size: number;
  contentType: string;
  expiresInSeconds: number;
}): Promise<SignedPost> {
  const env = getEnv();
  const expiresAt = new Date(Date.now() + input.expiresInSeconds * 1000);
  const { url, fields } = await createPresignedPost(clients().public, {
    Bucket: env.S3_BUCKET,
    Key: input.key,
    Conditions: [
      ["eq", "$key", input.key],
      ["content-length-range", input.size, input.size],
      ["eq", "$Content-Type", input.contentType],
    ],
    Fields: { "Content-Type": input.contentType },
    Expires: input.expiresInSeconds,
  });
  return { url, fields, expiresAt: expiresAt.toISOString() };
}

export type StoredObject = { size: number; contentType: string | undefined; checksum: string | null };

function isNotFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === "NotFound" || err.name === "NoSuchKey");
}

function isNotImplemented(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 501 || err.name === "NotImplemented");
}

/** What S3 holds at `key`, or null when nothing is there. */
export async function headObject(key: string): Promise<StoredObject | null> {
  try {
    const head = await clients().internal.send(
      new HeadObjectCommand({ Bucket: getEnv().S3_BUCKET, Key: key, ChecksumMode: "ENABLED" }),
    );
    const checksum =
      (head.ChecksumCRC32 && `CRC32:${head.ChecksumCRC32}`) ||
      (head.ChecksumCRC32C && `CRC32C:${head.ChecksumCRC32C}`) ||
      (head.ChecksumSHA256 && `SHA256:${head.ChecksumSHA256}`) ||
      null;
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, checksum };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Deleting a missing key succeeds in S3, so this is safe to repeat. */
export async function deleteObject(key: string): Promise<void> {
  await clients().internal.send(new DeleteObjectCommand({ Bucket: getEnv().S3_BUCKET, Key: key }));
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

export function corsRules(origins: string[]): CORSRule[] {
  return [
    {
      AllowedOrigins: origins,
      AllowedMethods: ["GET", "PUT", "POST", "HEAD"],
      AllowedHeaders: ["*"],
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
