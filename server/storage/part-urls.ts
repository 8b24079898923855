import "server-only";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { formatUrl } from "@aws-sdk/core/util";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SignatureV4 } from "@smithy/signature-v4";
import { clients } from "./clients";
import { getEnv } from "@/server/env";

export type PartToSign = { partNumber: number; size: number; checksumCRC32?: string };

/** What every part URL (and PUT URL, put-urls.ts) of a bucket shares: where the browser reaches the bucket, and the signer. */
export type PartSigning = {
  origin: { protocol: string; hostname: string; port: number | undefined; host: string };
  bucketPath: string;
  signer: SignatureV4;
};

/** Per client (tests replace the clients to point them elsewhere) and bucket. */
const signingByClient = new WeakMap<S3Client, { bucket: string; signing: Promise<PartSigning> }>();

/**
 * The SDK's endpoint rules decide where a bucket lives (path or virtual-hosted style, the AWS domain
 * of the region, path style for dotted names over HTTPS); presigning one HeadBucket URL is the
 * public way to ask them. The signer is the SDK's SigV4 with S3's settings (the path is already
 * escaped; the payload is not hashed), the client's region, hash and cached credential provider.
 */
async function resolvePartSigning(client: S3Client, bucket: string): Promise<PartSigning> {
  const bucketUrl = new URL(await getSignedUrl(client, new HeadBucketCommand({ Bucket: bucket })));
  const { region, credentials, sha256 } = client.config;
  return {
    origin: {
      protocol: bucketUrl.protocol,
      hostname: bucketUrl.hostname,
      port: bucketUrl.port ? Number(bucketUrl.port) : undefined,
      host: bucketUrl.host,
    },
    bucketPath: bucketUrl.pathname.replace(/\/$/, ""),
    signer: new SignatureV4({ service: "s3", region, credentials, sha256, uriEscapePath: false, applyChecksum: false }),
  };
}

function partSigning(client: S3Client, bucket: string): Promise<PartSigning> {
  const cached = signingByClient.get(client);
  if (cached?.bucket === bucket) return cached.signing;
  const signing = resolvePartSigning(client, bucket);
  signingByClient.set(client, { bucket, signing });
  // A failed lookup (say, credentials not resolvable yet) is tried again next time, not kept.
  signing.catch(() => {
    if (signingByClient.get(client)?.signing === signing) signingByClient.delete(client);
  });
  return signing;
}

/** S3's URI encoding of an object key in a path: every byte but `A-Za-z0-9-_.~` escaped, `/` kept. */
export function encodeKeyPath(key: string): string {
  const escape = (char: string) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, escape))
    .join("/");
}

/** Every browser endpoint's signing, in the order of `clients().uploads`. */
export function allPartSignings(): Promise<PartSigning[]> {
  const bucket = getEnv().S3_BUCKET;
  return Promise.all(clients().uploads.map((client) => partSigning(client, bucket)));
}

/**
 * Presigned UploadPart URLs for one upload, each bound to its part number, the part's exact
 * Content-Length and (when given) its CRC32: S3 refuses a part of another size or other bytes.
 * Part n goes to browser endpoint (n - 1) mod N, so consecutive parts (the ones in flight at once)
 * alternate hosts; the host is a signed header, so a URL works on its own host only.
 * They are the URLs getSignedUrl makes (tests/part-urls.test.ts compares them byte for byte), but
 * each costs one SigV4 signature: getSignedUrl runs the whole command stack per URL, several
 * times the CPU (B3 in docs/benchmarks.md).
 */
export async function signUploadPartUrls(input: {
  key: string;
  uploadId: string;
  parts: PartToSign[];
  expiresInSeconds: number;
}): Promise<string[]> {
  if (input.parts.length === 0) return [];
  const signings = await allPartSignings();
  return Promise.all(
    input.parts.map((part) => {
      const headers: Record<string, string> = { "content-length": String(part.size) };
      if (part.checksumCRC32) headers["x-amz-checksum-crc32"] = part.checksumCRC32;
      return presignBrowserRequest(signings[(part.partNumber - 1) % signings.length]!, {
        method: "PUT",
        key: input.key,
        operation: "UploadPart",
        query: { partNumber: String(part.partNumber), uploadId: input.uploadId },
        headers,
        expiresInSeconds: input.expiresInSeconds,
      });
    }),
  );
}

/** Headers that stay signed headers: hoisted into the query, S3 would no longer check the body against them. */
const BODY_BOUND_HEADERS = new Set(["content-length", "x-amz-checksum-crc32"]);

/**
 * One presigned browser request on `key` through `signing`'s endpoint: part, PUT and GET URLs
 * alike. The same URL getSignedUrl makes for the command (tests/part-urls, get-urls and put-uploads
 * compare them byte for byte), for one SigV4 signature instead of the SDK's whole command stack.
 * `headers` the browser must send as given (each is signed); the length and checksum stay headers.
 */
export async function presignBrowserRequest(
  { origin, bucketPath, signer }: PartSigning,
  input: {
    method: "GET" | "PUT";
    key: string;
    /** x-id names the operation, as the SDK adds it to every REST-XML request. */
    operation: "GetObject" | "PutObject" | "UploadPart";
    query?: Record<string, string>;
    headers?: Record<string, string>;
    expiresInSeconds: number;
    signingDate?: Date;
  },
): Promise<string> {
  const request = {
    method: input.method,
    protocol: origin.protocol,
    hostname: origin.hostname,
    port: origin.port,
    path: `${bucketPath}/${encodeKeyPath(input.key)}`,
    query: { ...input.query, "x-id": input.operation },
    // Spelled as the SDK's presigner does: it is hoisted into the query under this name.
    headers: { host: origin.host, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD", ...input.headers },
  };
  return formatUrl(await signer.presign(request, { expiresIn: input.expiresInSeconds, unhoistableHeaders: BODY_BOUND_HEADERS, signingDate: input.signingDate }));
}

const originOf = ({ origin }: PartSigning) => `${origin.protocol}//${origin.host}`;

/**
 * The origins the browser sends bytes to: the ones part URLs and POST forms name (the same
 * endpoint rules place both), one per browser endpoint, for the page's Content-Security-Policy.
 */
export async function storageBrowserOrigins(): Promise<string[]> {
  return [...new Set((await allPartSignings()).map(originOf))];
}

/** The first browser endpoint's signing, which download, view and preview URLs use (objects.ts). */
export function browserSigning(): Promise<PartSigning> {
  return partSigning(clients().public, getEnv().S3_BUCKET);
}

/** The first browser endpoint's origin, which download and view URLs name. */
export async function storageBrowserOrigin(): Promise<string> {
  return originOf(await browserSigning());
}
