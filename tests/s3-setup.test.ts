import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);

/** `npm run s3:setup` against `env`; when it exits non-zero, the failure carries what it printed (its PROBLEM lines). */
async function runSetup(env: NodeJS.ProcessEnv): Promise<{ stdout: string }> {
  try {
    return await execFileAsync("npx", ["tsx", "--conditions=react-server", "scripts/s3-setup.ts"], { env });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`s3:setup failed:\n${stdout ?? ""}\n${stderr ?? ""}`);
  }
}

describe("npm run s3:setup", () => {
  it("creates a missing bucket once, then finds it, and prints a bucket-scoped IAM policy", async () => {
    const bucket = `setup-${randomBytes(4).toString("hex")}`;
    const env = { ...process.env, S3_BUCKET: bucket, NODE_ENV: "development" as const };
    const first = await runSetup(env);
    expect(first.stdout).toContain(`Bucket ${bucket}: created.`);
    const second = await runSetup(env);
    expect(second.stdout).toContain(`Bucket ${bucket}: exists.`);
    // MinIO has no AbortIncompleteMultipartUpload lifecycle rule; the script must say so, not fail. SeaweedFS takes it.
    expect(second.stdout).toContain(
      process.env.TEST_STORE === "seaweedfs"
        ? "Lifecycle: multipart uploads abandoned for a day are aborted by the store."
        : "Lifecycle: this store does not take the AbortIncompleteMultipartUpload rule",
    );
    // Each ability tried against the bucket, beside what the store's preset relies on.
    const store = process.env.TEST_STORE === "seaweedfs" ? "seaweedfs" : "minio";
    expect(second.stdout).toContain(`Store: ${store} (S3_PROVIDER): small files by post, parts crc32, conditional write yes, conditional copy yes, form checksum yes`);
    expect(second.stdout).toMatch(/postForms +works +forms stored; a body over the signed size refused/);
    expect(second.stdout).toMatch(/conditionalWrite +works/);
    expect(second.stdout).toContain("The configured abilities hold on this store.");
    const policy = JSON.parse(second.stdout.slice(second.stdout.indexOf("{")));
    expect(second.stdout).toContain("Lifecycle: staging objects (where upload forms write) expire after a day.");
    const resources = policy.Statement.map((s: { Resource: string | string[] }) => s.Resource);
    expect(resources).toEqual([[`arn:aws:s3:::${bucket}/u/*`, `arn:aws:s3:::${bucket}/staging/*`], `arn:aws:s3:::${bucket}`]);
    expect(JSON.stringify(policy)).not.toContain("s3:*");
  });
});
