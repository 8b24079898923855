/**
 * B3's first figure: the CPU cost per presigned UploadPart URL, the SDK's getSignedUrl one URL at
 * a time against signUploadPartUrls in batches of 100 as POST /api/uploads/{id}/parts asks for
 * them. Offline: signing needs no network, so fixed credentials and a local endpoint stand in for
 * real ones. Runs in its own process (`npm run bench -- b3` starts it) so its env stays its own:
 * `npx tsx --conditions=react-server bench/part-signing.ts`
 */
import { UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { MIB } from "../lib/units";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
Object.assign(process.env, {
  S3_BUCKET: "bench-bucket",
  S3_ENDPOINT: "http://127.0.0.1:9000",
  S3_FORCE_PATH_STYLE: "true",
  S3_ACCESS_KEY_ID: "AKIDEXAMPLE",
  S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  AUTH_SECRET: "x".repeat(32),
});
const { clients } = await import("../server/storage/clients");
const { signUploadPartUrls } = await import("../server/storage/part-urls");

const ROUNDS = 5;
const URLS_PER_ROUND = 2_000;
const BATCH = 100;
const KEY = "u/00000000-0000-4000-8000-000000000000/11111111-1111-4111-8111-111111111111.mp4";
const TTL_SECONDS = 600;
const part = (partNumber: number) => ({ partNumber, size: 16 * MIB, checksumCRC32: "AAAAAA==" });

async function viaGetSignedUrl(partNumber: number): Promise<string> {
  const { size, checksumCRC32 } = part(partNumber);
  const command = new UploadPartCommand({ Bucket: "bench-bucket", Key: KEY, UploadId: "upload-id", PartNumber: partNumber, ContentLength: size, ChecksumCRC32: checksumCRC32 });
  const signed = new Set(["content-length", "x-amz-checksum-crc32"]);
  return getSignedUrl(clients().public, command, { expiresIn: TTL_SECONDS, signableHeaders: signed, unhoistableHeaders: signed });
}

async function measure(label: string, signRound: () => Promise<void>): Promise<void> {
  for (let round = 1; round <= ROUNDS; round++) {
    const started = performance.now();
    await signRound();
    const perUrl = (performance.now() - started) / URLS_PER_ROUND;
    console.log(`${label} round ${round}: ${(perUrl * 1000).toFixed(1)} µs per URL`);
  }
}

await measure("getSignedUrl, one at a time  ", async () => {
  for (let i = 1; i <= URLS_PER_ROUND; i++) await viaGetSignedUrl(i);
});
await measure(`signUploadPartUrls, ${BATCH} a batch`, async () => {
  for (let start = 1; start <= URLS_PER_ROUND; start += BATCH) {
    const parts = Array.from({ length: BATCH }, (_, i) => part(start + i));
    await signUploadPartUrls({ key: KEY, uploadId: "upload-id", parts, expiresInSeconds: TTL_SECONDS });
  }
});
