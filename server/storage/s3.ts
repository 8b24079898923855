import "server-only";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketLifecycleConfigurationCommand,
  UploadPartCommand,
  type UploadPartCommandInput,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  S3Client,
  S3ServiceException,
  type CORSRule,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { formatUrl } from "@aws-sdk/core/util";
import { getSignedUrl, S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { attachmentDisposition } from "./content-disposition";
import { getEnv } from "@/lib/env";

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

/** Exported for tests that compare this module's URLs with the SDK's own presigner. */
export function clients() {
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

function isNoSuchUpload(err: unknown): boolean {
  return err instanceof S3ServiceException && err.name === "NoSuchUpload";
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

export type ObjectStart = { size: number; contentType: string | undefined; bytes: Uint8Array };

/** `bytes 0-4099/65536` → 65536; null when the header is missing or the total is unknown (`*`). */
export function totalFromContentRange(header: string | undefined): number | null {
  const match = header && /\/(\d+)$/.exec(header.trim());
  return match ? Number(match[1]) : null;
}

function isInvalidRange(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 416 || err.name === "InvalidRange");
}

/**
 * The object's size and type with its first `length` bytes, from one ranged GET (Content-Range
 * carries the full size), so checking a small upload costs one request instead of HeadObject plus
 * a GET. Null when nothing is stored at `key`. An empty object has no byte to range over (416).
 */
export async function readObjectStart(key: string, length: number): Promise<ObjectStart | null> {
  try {
    const out = await clients().internal.send(
      new GetObjectCommand({ Bucket: getEnv().S3_BUCKET, Key: key, Range: `bytes=0-${Math.max(0, length - 1)}` }),
    );
    const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    // A store that ignores Range answers 200 with the whole object; its length is the size then.
    const size = totalFromContentRange(out.ContentRange) ?? out.ContentLength ?? bytes.length;
    return { size, contentType: out.ContentType, bytes: bytes.subarray(0, length) };
  } catch (err) {
    if (isNotFound(err)) return null;
    if (!isInvalidRange(err)) throw err;
    const head = await headObject(key);
    return head && { size: head.size, contentType: head.contentType, bytes: new Uint8Array() };
  }
}

/** Every object under `prefix` with its size (all pages). */
export async function listObjects(prefix: string): Promise<Array<{ key: string; size: number }>> {
  const objects: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await clients().internal.send(
      new ListObjectsV2Command({ Bucket: getEnv().S3_BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) objects.push({ key: o.Key!, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Deleting a missing key succeeds in S3, so this is safe to repeat. */
export async function deleteObject(key: string): Promise<void> {
  await clients().internal.send(new DeleteObjectCommand({ Bucket: getEnv().S3_BUCKET, Key: key }));
}

/** True when the bucket answers HeadBucket with these credentials. */
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

/** Every part is checksummed with CRC32 in the browser and verified by S3 on arrival. */
export const PART_CHECKSUM_ALGORITHM = "CRC32" as const;

export async function createMultipartUpload(input: { key: string; contentType: string }): Promise<string> {
  const out = await clients().internal.send(
    new CreateMultipartUploadCommand({
      Bucket: getEnv().S3_BUCKET,
      Key: input.key,
      ContentType: input.contentType,
      ChecksumAlgorithm: PART_CHECKSUM_ALGORITHM,
    }),
  );
  if (!out.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  return out.UploadId;
}

export type PartToSign = { partNumber: number; size: number; checksumCRC32?: string };

/** The unsigned request as the SDK builds it, and how getSignedUrl would sign it. */
type UnsignedPart = {
  request: Parameters<S3RequestPresigner["presign"]>[0];
  presigner: S3RequestPresigner;
  options: { signingRegion?: string; signingService?: string };
  s3ExpressIdentity?: Parameters<S3RequestPresigner["presignWithCredentials"]>[1];
};

/**
 * Runs UploadPart through the client's middleware (endpoint, path, query) and stops where
 * getSignedUrl's own interceptor stops it, just before signing; the rest mirrors getSignedUrl.
 */
async function unsignedUploadPart(client: S3Client, input: UploadPartCommandInput): Promise<UnsignedPart> {
  const command = new UploadPartCommand(input);
  const stack = client.middlewareStack.clone();
  let captured: UnsignedPart | undefined;
  const capture = (_next: unknown, context: Record<string, unknown>) => async (args: { request: unknown }) => {
    const request = args.request as UnsignedPart["request"];
    // Per-call SDK headers getSignedUrl drops too (an x-amz-* one would be hoisted into the URL).
    delete request.headers["amz-sdk-invocation-id"];
    delete request.headers["amz-sdk-request"];
    delete request.headers["x-amz-user-agent"];
    const endpoint = context.endpointV2 as { properties?: { authSchemes?: Array<{ signingName?: string; signingRegion?: string }> } };
    const scheme = endpoint?.properties?.authSchemes?.[0];
    captured = {
      request,
      presigner: new S3RequestPresigner({ ...client.config, signingName: scheme?.signingName, region: async () => scheme?.signingRegion ?? "" }),
      options: {
        signingRegion: (context.signing_region as string | undefined) ?? scheme?.signingRegion,
        signingService: context.signing_service as string | undefined,
      },
      s3ExpressIdentity: context.s3ExpressIdentity as UnsignedPart["s3ExpressIdentity"],
    };
    return { response: {}, output: { $metadata: {} } };
  };
  stack.addRelativeTo(capture as never, { name: "capturePartRequest", relation: "before", toMiddleware: "awsAuthMiddleware", override: true });
  await command.resolveMiddleware(stack, client.config, {})({ input: command.input });
  if (!captured) throw new Error("UploadPart never reached the signing step");
  return captured;
}

/**
 * Presigned UploadPart URLs for one upload, each bound to its part number, the part's exact
 * Content-Length and (when given) its CRC32: S3 refuses a part of another size or other bytes.
 * The same URLs getSignedUrl makes (tests/part-urls.test.ts compares them), but the SDK builds
 * the request once per batch and its presigner signs each part: getSignedUrl runs the whole
 * command stack per URL, about 0.3 ms of CPU each (B3 in docs/benchmarks.md).
 */
export async function signUploadPartUrls(input: {
  key: string;
  uploadId: string;
  parts: PartToSign[];
  expiresInSeconds: number;
}): Promise<string[]> {
  const [first] = input.parts;
  if (!first) return [];
  const unsigned = await unsignedUploadPart(clients().public, {
    Bucket: getEnv().S3_BUCKET,
    Key: input.key,
    UploadId: input.uploadId,
    PartNumber: first.partNumber,
    ContentLength: first.size,
  });
  return Promise.all(
    input.parts.map(async (part) => {
      const headers: Record<string, string> = { ...unsigned.request.headers, "content-length": String(part.size) };
      const signed = new Set(["content-length"]);
      if (part.checksumCRC32) {
        headers["x-amz-checksum-crc32"] = part.checksumCRC32;
        signed.add("x-amz-checksum-crc32");
      }
      const request = { ...unsigned.request, headers, query: { ...unsigned.request.query, partNumber: String(part.partNumber) } };
      // Kept as headers (not query parameters) so S3 checks the body against them.
      const options = { ...unsigned.options, expiresIn: input.expiresInSeconds, signableHeaders: signed, unhoistableHeaders: signed };
      const presigned = unsigned.s3ExpressIdentity
        ? await unsigned.presigner.presignWithCredentials(request, unsigned.s3ExpressIdentity, options)
        : await unsigned.presigner.presign(request, options);
      return formatUrl(presigned);
    }),
  );
}

export type StoredPart = { partNumber: number; size: number; etag: string; checksum: string | null };

export type PartListing = { status: "ok"; parts: StoredPart[] } | { status: "unsupported" } | { status: "gone" };

/** All parts S3 holds for an upload (every page); "unsupported" on stores without ListParts. */
export async function listAllParts(key: string, uploadId: string): Promise<PartListing> {
  const parts: StoredPart[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await clients().internal.send(
        new ListPartsCommand({ Bucket: getEnv().S3_BUCKET, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
      );
      for (const part of page.Parts ?? []) {
        parts.push({ partNumber: part.PartNumber!, size: part.Size ?? 0, etag: part.ETag!, checksum: part.ChecksumCRC32 ?? null });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (err) {
    if (isNoSuchUpload(err)) return { status: "gone" };
    if (isNotImplemented(err) || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 405)) return { status: "unsupported" };
    throw err;
  }
  return { status: "ok", parts };
}

/** Completes the upload; false when S3 no longer knows it (already completed or aborted). */
export async function completeMultipartUpload(
  key: string,
  uploadId: string,
  parts: Array<{ partNumber: number; etag: string; checksum: string | null }>,
): Promise<boolean> {
  try {
    await clients().internal.send(
      new CompleteMultipartUploadCommand({
        Bucket: getEnv().S3_BUCKET,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ChecksumCRC32: p.checksum ?? undefined })),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isNoSuchUpload(err)) return false;
    throw err;
  }
}

/** Aborting an upload S3 no longer knows is fine: the goal (nothing left behind) holds. */
export async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
  try {
    await clients().internal.send(new AbortMultipartUploadCommand({ Bucket: getEnv().S3_BUCKET, Key: key, UploadId: uploadId }));
  } catch (err) {
    if (!isNoSuchUpload(err)) throw err;
  }
}

export type MultipartUploadInfo = { key: string; uploadId: string; initiated: Date | undefined };

/** Every multipart upload in progress under `prefix` (all pages); null if the store can't list them. */
export async function listMultipartUploads(prefix: string): Promise<MultipartUploadInfo[] | null> {
  const uploads: MultipartUploadInfo[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  try {
    do {
      const page = await clients().internal.send(
        new ListMultipartUploadsCommand({ Bucket: getEnv().S3_BUCKET, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of page.Uploads ?? []) uploads.push({ key: u.Key!, uploadId: u.UploadId!, initiated: u.Initiated });
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  } catch (err) {
    if (isNotImplemented(err)) return null;
    throw err;
  }
  return uploads;
}

/**
 * Bucket rule that lets S3 itself drop multipart uploads abandoned for a day. MinIO rejects the
 * rule as invalid XML (it expires stale uploads itself, MINIO_API_STALE_UPLOADS_EXPIRY, 24h by
 * default), so that answer counts as unsupported.
 */
export async function setAbortIncompleteUploadsRule(days = 1): Promise<"set" | "unsupported"> {
  try {
    await clients().internal.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: getEnv().S3_BUCKET,
        LifecycleConfiguration: {
          Rules: [{ ID: "abort-incomplete-multipart-uploads", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: days } }],
        },
      }),
    );
    return "set";
  } catch (err) {
    if (isNotImplemented(err) || (err instanceof S3ServiceException && err.name === "InvalidArgument")) return "unsupported";
    throw err;
  }
}

/**
 * A presigned GetObject URL for the browser, always answered as an attachment named `fileName`
 * with the stored Content-Type: never rendered inline, so an uploaded HTML or SVG can't run as
 * the bucket's origin. The `response-*` overrides are signed, so nobody can change them.
 */
export async function presignDownloadUrl(input: {
  key: string;
  fileName: string;
  contentType: string;
  expiresInSeconds: number;
}): Promise<string> {
  const command = new GetObjectCommand({
    Bucket: getEnv().S3_BUCKET,
    Key: input.key,
    ResponseContentDisposition: attachmentDisposition(input.fileName),
    ResponseContentType: input.contentType,
  });
  return getSignedUrl(clients().public, command, { expiresIn: input.expiresInSeconds });
}
