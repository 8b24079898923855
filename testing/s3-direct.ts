import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";

/** A plain client for tests to look into (or set up) the bucket behind the app's back, from the app's S3_* env. */
export function testS3(): S3Client {
  return new S3Client({
    // server/env.ts's default, for a run whose env leaves it out.
    region: process.env.S3_REGION ?? "us-east-1",
    endpoint: process.env.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! },
  });
}

export async function sha256OfObject(key: string): Promise<string> {
  const out = await testS3().send(new GetObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key }));
  return createHash("sha256").update(await out.Body!.transformToByteArray()).digest("hex");
}

export async function multipartUploadIds(prefix: string): Promise<string[]> {
  const out = await testS3().send(new ListMultipartUploadsCommand({ Bucket: process.env.S3_BUCKET, Prefix: prefix }));
  return (out.Uploads ?? []).map((u) => u.UploadId!);
}

/** Keys under `prefix`, sorted. */
export async function keysUnder(prefix: string): Promise<string[]> {
  const out = await testS3().send(new ListObjectsV2Command({ Bucket: process.env.S3_BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** Every object of a user's: served ones (and previews), then staging ones. */
export async function userObjectKeys(userId: string): Promise<string[]> {
  return [...(await keysUnder(`u/${userId}/`)), ...(await keysUnder(`staging/${userId}/`))];
}
