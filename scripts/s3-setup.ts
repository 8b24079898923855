/**
 * `npm run s3:setup`: creates the bucket if missing, sets its CORS for APP_URL, keeps it private
 * (no public policy is ever written), tries each store ability the app may rely on against the
 * bucket and prints what works beside what is configured (exit 1 when a configured one does not),
 * and prints a least-privilege IAM policy for the app.
 */
import { describeStoreAbilities } from "../lib/store-abilities";
import { getEnv } from "../server/env";
import { compareAbilities, PROBED_ABILITIES, probeStore } from "../server/storage/ability-probes";
import { ensureBucket, setAbortIncompleteUploadsRule } from "../server/storage/bucket";
import { PROBE_PREFIX, STAGING_PREFIX } from "../server/uploads/object-keys";

const env = getEnv();
const result = await ensureBucket({ corsOrigins: [env.APP_URL] });
console.log(`Bucket ${env.S3_BUCKET}: ${result.created ? "created" : "exists"}.`);
console.log(
  result.cors === "set"
    ? `CORS set for ${env.APP_URL} (GET, PUT, POST, HEAD; ETag and checksum headers exposed).`
    : "CORS: this store has no bucket CORS API (MinIO); set MINIO_API_CORS_ALLOW_ORIGIN on the server instead.",
);
const lifecycle = await setAbortIncompleteUploadsRule(1, STAGING_PREFIX);
console.log(
  lifecycle.multipart === "set"
    ? "Lifecycle: multipart uploads abandoned for a day are aborted by the store."
    : "Lifecycle: this store does not take the AbortIncompleteMultipartUpload rule (MinIO expires stale uploads itself); run `npm run uploads:cleanup` from cron too.",
);
console.log(
  lifecycle.staging === "set"
    ? "Lifecycle: staging objects (where upload forms write) expire after a day."
    : "Lifecycle: this store does not take an expiration rule for staging/; `npm run uploads:cleanup` removes stray staging objects.",
);

console.log(`\nStore: ${describeStoreAbilities({ provider: env.storeProvider, source: env.storeProviderSource, abilities: env.storeAbilities })}`);
console.log("Tried against the bucket:");
const probe = await probeStore(PROBE_PREFIX);
for (const ability of PROBED_ABILITIES) console.log(`  ${ability.padEnd(17)} ${probe[ability].verdict.padEnd(8)} ${probe[ability].detail}`);
const { problems, unused } = compareAbilities(env.storeAbilities, probe);
for (const line of unused) console.log(`  note: ${line}`);
for (const line of problems) console.log(`  PROBLEM: ${line}`);
if (problems.length > 0) {
  console.log("The configured abilities do not match this store; uploads would fail. See docs/storage.md.");
  process.exitCode = 1;
} else {
  console.log("The configured abilities hold on this store.");
}

const bucketArn = `arn:aws:s3:::${env.S3_BUCKET}`;
const policy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "UploadsObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      // u/: the files; staging/: where upload forms write until complete copies them to u/.
      Resource: [`${bucketArn}/u/*`, `${bucketArn}/staging/*`],
    },
    {
      Sid: "UploadsBucket",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"],
      Resource: bucketArn,
    },
  ],
};
console.log("\nLeast-privilege IAM policy for the app's credentials (bucket setup itself needs an admin once):");
console.log(JSON.stringify(policy, null, 2));
