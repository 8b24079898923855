import "server-only";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { clients } from "./clients";
import { getEnv } from "@/server/env";

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
