import "server-only";
import type { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { clients } from "./clients";
import { getEnv } from "@/server/env";

export type SignedPost = { url: string; fields: Record<string, string>; expiresAt: string };

let formsSigned = 0;

/**
 * The browser endpoint the next form goes to, in turn: files signed together (a batch create of
 * ~24, the previews of a batch) alternate hosts in the order the page sends them, so the files in
 * flight at once are split evenly and each host's 6 connections carry their share. A policy is
 * not bound to a host (SigV4 signs the policy document, not the URL), so any host would take it.
 */
function nextFormClient(): S3Client {
  const { uploads } = clients();
  return uploads[formsSigned++ % uploads.length]!;
}

/**
 * Signs a browser POST that can write exactly one object: this key, exactly `size` bytes,
 * this Content-Type, until `expiresAt` at the latest (whole seconds from now, so never later than
 * the staging hold recorded for it); with `sha256` (base64), only the bytes of that SHA-256, which
 * the store checks the body against (S3_POST_CHECKSUM). S3 enforces every condition. The form's
 * URL is one of the bucket's browser endpoints, taken in turn (nextFormClient).
 */
export async function signUploadPost(input: { key: string; size: number; contentType: string; sha256?: string; expiresAt: Date }): Promise<SignedPost> {
  const env = getEnv();
  const now = Date.now();
  const seconds = Math.max(1, Math.floor((input.expiresAt.getTime() - now) / 1000));
  const fields: Record<string, string> = { "Content-Type": input.contentType };
  if (input.sha256) Object.assign(fields, { "x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": input.sha256 });
  const { url, fields: signed } = await createPresignedPost(nextFormClient(), {
    Bucket: env.S3_BUCKET,
    Key: input.key,
    // Every field the form sends is an exact condition: a form without the checksum, or with another, is refused.
    Conditions: [
      ["eq", "$key", input.key],
      ["content-length-range", input.size, input.size],
      ...Object.entries(fields).map(([name, value]) => ["eq", `$${name}`, value] as ["eq", string, string]),
    ],
    Fields: fields,
    Expires: seconds,
  });
  return { url, fields: signed, expiresAt: new Date(now + seconds * 1000).toISOString() };
}
