import "server-only";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { clients } from "./clients";
import { browserSigning, presignBrowserRequest } from "./part-urls";
import { attachmentDisposition, inlineDisposition } from "./content-disposition";
import { isInvalidRange, isNotFound, isPreconditionFailed } from "./s3-errors";
import { getEnv } from "@/server/env";

export type StoredObject = { size: number; contentType: string | undefined; checksum: string | null; etag: string | undefined };

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
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, checksum, etag: head.ETag };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** `etag` names this version of the object: copyObjectIfMatch copies exactly it. */
export type ObjectStart = { size: number; contentType: string | undefined; bytes: Uint8Array; etag: string | undefined };

/** `bytes 0-4099/65536` → 65536; null when the header is missing or the total is unknown (`*`). */
export function totalFromContentRange(header: string | undefined): number | null {
  const match = header && /\/(\d+)$/.exec(header.trim());
  return match ? Number(match[1]) : null;
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
    return { size, contentType: out.ContentType, bytes: bytes.subarray(0, length), etag: out.ETag };
  } catch (err) {
    if (isNotFound(err)) return null;
    if (!isInvalidRange(err)) throw err;
    const head = await headObject(key);
    return head && { size: head.size, contentType: head.contentType, bytes: new Uint8Array(), etag: head.etag };
  }
}

export type ListedObject = { key: string; size: number; lastModified: Date | undefined };

/** Every object under `prefix` with its size and age (all pages). */
export async function listObjects(prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await clients().internal.send(
      new ListObjectsV2Command({ Bucket: getEnv().S3_BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) objects.push({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Deleting a missing key succeeds in S3, so this is safe to repeat. */
export async function deleteObject(key: string): Promise<void> {
  await clients().internal.send(new DeleteObjectCommand({ Bucket: getEnv().S3_BUCKET, Key: key }));
}

/** S3 takes at most 1,000 keys per DeleteObjects. */
const DELETE_OBJECTS_MAX_KEYS = 1000;

/**
 * Removes `keys` with one DeleteObjects request per 1,000 (missing keys succeed, as with
 * DeleteObject). Answers the keys S3 reported it could not remove.
 */
export async function deleteObjects(keys: string[]): Promise<string[]> {
  const failed: string[] = [];
  for (let i = 0; i < keys.length; i += DELETE_OBJECTS_MAX_KEYS) {
    const chunk = keys.slice(i, i + DELETE_OBJECTS_MAX_KEYS);
    const out = await clients().internal.send(
      new DeleteObjectsCommand({ Bucket: getEnv().S3_BUCKET, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
    );
    for (const error of out.Errors ?? []) if (error.Key) failed.push(error.Key);
  }
  return failed;
}

/**
 * Server-side copy of `source` to `target`, only if `source` is still the version whose ETag the
 * caller read (`x-amz-copy-source-if-match`): the bytes copied are exactly the bytes checked.
 * False when `source` changed or is gone. One CopyObject takes at most 5 GiB (S3's limit), which
 * is the most a single POST can store. Only for stores that honour the condition
 * (S3_CONDITIONAL_COPY); elsewhere copyObject, and the caller checks the copy.
 */
export function copyObjectIfMatch(input: { source: string; target: string; etag: string }): Promise<boolean> {
  return copy(input.source, input.target, input.etag);
}

/** Server-side copy of `source` as it is now to `target`; false when `source` is gone. */
export function copyObject(input: { source: string; target: string }): Promise<boolean> {
  return copy(input.source, input.target, undefined);
}

async function copy(source: string, target: string, ifMatch: string | undefined): Promise<boolean> {
  const Bucket = getEnv().S3_BUCKET;
  try {
    await clients().internal.send(
      new CopyObjectCommand({ Bucket, Key: target, CopySource: `${Bucket}/${encodeURIComponent(source).replace(/%2F/g, "/")}`, CopySourceIfMatch: ifMatch }),
    );
    return true;
  } catch (err) {
    if (isPreconditionFailed(err) || isNotFound(err)) return false;
    throw err;
  }
}

/** The `response-*` overrides a GET URL signs: S3 answers with these headers, and nobody can change them. */
type ResponseOverrides = { disposition: string; contentType: string; cacheControl?: string };

/**
 * A presigned GetObject URL on the bucket's first browser endpoint: the URL the SDK's getSignedUrl
 * makes (tests/get-urls.test.ts compares them byte for byte), signed as part URLs are
 * (part-urls.ts): one SigV4 signature instead of the whole command stack per URL, which cost
 * about 9 times the CPU (0.63 ms against 0.07 a URL), and a page of the library signs a URL per preview.
 */
async function presignGetUrl(input: { key: string; overrides: ResponseOverrides; expiresInSeconds: number; signedAt?: Date }): Promise<string> {
  const { disposition, contentType, cacheControl } = input.overrides;
  const query: Record<string, string> = { "response-content-disposition": disposition, "response-content-type": contentType };
  if (cacheControl) query["response-cache-control"] = cacheControl;
  return presignBrowserRequest(await browserSigning(), { method: "GET", key: input.key, operation: "GetObject", query, expiresInSeconds: input.expiresInSeconds, signingDate: input.signedAt });
}

/**
 * A presigned GetObject URL for the browser, always answered as an attachment named `fileName`
 * with the stored Content-Type: never rendered inline, so an uploaded HTML or SVG can't run as
 * the bucket's origin. The `response-*` overrides are signed, so nobody can change them.
 */
export function presignDownloadUrl(input: { key: string; fileName: string; contentType: string; expiresInSeconds: number }): Promise<string> {
  return presignGetUrl({
    key: input.key,
    overrides: { disposition: attachmentDisposition(input.fileName), contentType: input.contentType },
    expiresInSeconds: input.expiresInSeconds,
  });
}

/**
 * A presigned GetObject URL the browser may render in place (an <img> or a <video>): `inline`
 * with `contentType`. Only for bytes the server checked are that type (allowlisted media, or a
 * preview whose signature complete verified); everything else goes through presignDownloadUrl.
 * `signedAt` (default now) lets callers sign the same URL for a while, so the browser's cache
 * holds (`cacheSeconds` becomes a signed `Cache-Control: private, max-age`).
 */
export function presignInlineUrl(input: {
  key: string;
  /** The name "Save as" offers; without one the header is a bare `inline`. */
  fileName?: string;
  contentType: string;
  expiresInSeconds: number;
  signedAt?: Date;
  cacheSeconds?: number;
}): Promise<string> {
  return presignGetUrl({
    key: input.key,
    overrides: {
      disposition: input.fileName === undefined ? "inline" : inlineDisposition(input.fileName),
      contentType: input.contentType,
      cacheControl: input.cacheSeconds ? `private, max-age=${input.cacheSeconds}` : undefined,
    },
    expiresInSeconds: input.expiresInSeconds,
    signedAt: input.signedAt,
  });
}
