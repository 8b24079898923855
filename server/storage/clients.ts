import "server-only";
import { S3Client } from "@aws-sdk/client-s3";
import { getEnv } from "@/server/env";

export type S3Clients = {
  /** The server's own calls, at S3_ENDPOINT (which may be a private address). */
  internal: S3Client;
  /** Signs URLs and forms for the browser, at S3_PUBLIC_ENDPOINT: the host is part of what SigV4 signs. */
  public: S3Client;
};

/** Cached on globalThis so dev reloads reuse them; tests clear `__s3` to point them elsewhere. */
const globalForS3 = globalThis as unknown as { __s3?: S3Clients };

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

/**
 * The two S3 clients, built on first use from server/env. Only server/storage/ uses them (and tests
 * that compare its URLs with the SDK's own presigner).
 * @see server/env.ts for S3_ENDPOINT, S3_PUBLIC_ENDPOINT, S3_REGION and S3_FORCE_PATH_STYLE.
 */
export function clients(): S3Clients {
  const env = getEnv();
  globalForS3.__s3 ??= {
    internal: makeClient(env.S3_ENDPOINT),
    public: makeClient(env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT),
  };
  return globalForS3.__s3;
}
