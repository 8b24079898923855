import { spawn, type ChildProcess } from "node:child_process";
import { GetBucketCorsCommand, PutBucketCorsCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { testS3 } from "../testing/s3-direct";
import { freePort } from "../testing/services";

export type AppServer = { url: string; stop: () => Promise<void> };

/**
 * A second `next start` of the same build, on the same database and storage, with `env` on top of
 * the suite's: how one spec runs the app as another store needs it (S3_SMALL_UPLOADS=put, say)
 * while every other spec keeps the suite's server. Its own APP_URL, so sign-in and the same-origin
 * checks hold there.
 */
export async function startAppServer(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await allowOriginInBucketCors(url);
  let output = "";
  const child: ChildProcess = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...env, APP_URL: url },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (chunk) => (output += chunk));
  const stop = async () => {
    if (child.exitCode !== null || !child.pid) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await exited;
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}:\n${output.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/signin`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`next start did not answer in 60 s:\n${output.slice(-2000)}`);
}

/**
 * Adds `origin` to the bucket's CORS rules, next to the suite's server's, so browsers on the second
 * server may send to the bucket too. Stores that apply bucket CORS (SeaweedFS) need it; MinIO has
 * no bucket CORS API (it allows every origin) and is left alone.
 */
async function allowOriginInBucketCors(origin: string): Promise<void> {
  const s3 = testS3();
  const Bucket = process.env.S3_BUCKET!;
  try {
    const { CORSRules = [] } = await s3.send(new GetBucketCorsCommand({ Bucket }));
    const rules = CORSRules.map((rule) => ({ ...rule, AllowedOrigins: [...new Set([...(rule.AllowedOrigins ?? []), origin])] }));
    await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: rules } }));
  } catch (err) {
    if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 501 || err.name === "NotImplemented" || err.name === "NoSuchCORSConfiguration")) return;
    throw err;
  } finally {
    s3.destroy();
  }
}
