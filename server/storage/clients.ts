import "server-only";
import { S3Client } from "@aws-sdk/client-s3";
import { getEnv } from "@/server/env";
import { browserEndpoints, type BrowserEndpoint } from "@/lib/storage-endpoints";
import { rememberOperation } from "./s3-errors";

export type S3Clients = {
  /** The server's own calls, at S3_ENDPOINT (which may be a private address). */
  internal: S3Client;
  /**
   * Signs URLs and forms for the browser, one client per browser endpoint (S3_PUBLIC_ENDPOINT or
   * its default): the host is part of what SigV4 signs. Upload forms and part URLs are spread
   * over all of them (post-policy.ts, part-urls.ts).
   */
  uploads: S3Client[];
  /** The first of `uploads`: download, view and preview GET URLs (objects.ts). */
  public: S3Client;
};

/** Cached on globalThis so dev reloads reuse them; tests clear `__s3` to point them elsewhere. */
const globalForS3 = globalThis as unknown as { __s3?: S3Clients };

function makeClient(endpoint: BrowserEndpoint | undefined): S3Client {
  const env = getEnv();
  const client = new S3Client({
    region: env.S3_REGION,
    endpoint: endpoint && "url" in endpoint ? endpoint.url : undefined,
    useDualstackEndpoint: endpoint !== undefined && "aws" in endpoint && endpoint.aws === "dualstack",
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
  // Every failed call remembers its operation, so a store's refusal is answered naming it (s3-errors.ts).
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        rememberOperation(err, context.commandName ?? "S3 request");
        throw err;
      }
    },
    { step: "initialize", name: "rememberStorageOperation" },
  );
  return client;
}

/** Connections a browser opens to one host over HTTP/1.1, which S3 speaks. */
export const CONNECTIONS_PER_HOST = 6;

/** UPLOAD_CONNECTIONS, or 6 per browser host name of the bucket when it is unset (at most 32). */
export function uploadConnections(): number {
  return getEnv().UPLOAD_CONNECTIONS ?? Math.min(32, CONNECTIONS_PER_HOST * clients().uploads.length);
}

/**
 * The S3 clients, built on first use from server/env. Only server/storage/ uses them (and tests
 * that compare its URLs with the SDK's own presigner).
 * @see server/env.ts for S3_ENDPOINT, S3_PUBLIC_ENDPOINT, S3_REGION and S3_FORCE_PATH_STYLE.
 */
export function clients(): S3Clients {
  if (!globalForS3.__s3) {
    const env = getEnv();
    const uploads = browserEndpoints({ publicEndpoints: env.S3_PUBLIC_ENDPOINT, endpoint: env.S3_ENDPOINT }).map(makeClient);
    globalForS3.__s3 = { internal: makeClient(env.S3_ENDPOINT ? { url: env.S3_ENDPOINT } : undefined), uploads, public: uploads[0]! };
  }
  return globalForS3.__s3;
}
