/**
 * Real services for tests and benchmarks: a fresh PostgreSQL database on the local server and a
 * MinIO server built with the Go toolchain. Nothing here is faked: S3 policy and signature checks
 * are part of what the tests assert.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

/** Pinned MinIO build (the module proxy has no semver tags for MinIO, so this is a pseudo-version). */
export const MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c";
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function canConnect(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Starts the machine's PostgreSQL cluster when it is down, as the README describes. */
export async function ensurePostgres(): Promise<void> {
  if (await canConnect(PG_ADMIN_URL)) return;
  console.log("[services] PostgreSQL is down; starting it with pg_ctlcluster");
  const versions = existsSync("/etc/postgresql") ? execFileSync("ls", ["/etc/postgresql"]).toString().trim().split(/\s+/) : [];
  for (const version of versions) {
    try {
      execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "inherit" });
    } catch {
      // Already running or another version; the connection check below decides.
    }
  }
  for (let i = 0; i < 30; i++) {
    if (await canConnect(PG_ADMIN_URL)) return;
    await sleep(500);
  }
  throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}`);
}

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

export async function createTestDatabase(prefix = "uploads_test"): Promise<TestDatabase> {
  await ensurePostgres();
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    name,
    drop: async () => {
      const sql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
      await sql.end();
    },
  };
}

function goBinDir(): string {
  try {
    const gobin = execFileSync("go", ["env", "GOBIN"]).toString().trim();
    if (gobin) return gobin;
    return path.join(execFileSync("go", ["env", "GOPATH"]).toString().trim(), "bin");
  } catch {
    return path.join(os.homedir(), "go", "bin");
  }
}

/** The MinIO binary: $MINIO_BIN, else the Go bin folder, built there with `go install` when missing. */
export function ensureMinioBinary(): string {
  if (process.env.MINIO_BIN && existsSync(process.env.MINIO_BIN)) return process.env.MINIO_BIN;
  const bin = path.join(goBinDir(), "minio");
  if (existsSync(bin)) return bin;
  console.log(`[services] building MinIO ${MINIO_VERSION} with go install (first time only, takes minutes)`);
  execFileSync("go", ["install", `github.com/minio/minio@${MINIO_VERSION}`], { stdio: "inherit" });
  if (!existsSync(bin)) throw new Error(`go install finished but ${bin} is missing`);
  return bin;
}

export type MinioServer = {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  process: ChildProcess;
  stop: () => Promise<void>;
};

export async function startMinio(): Promise<MinioServer> {
  const bin = ensureMinioBinary();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "minio-test-"));
  const accessKeyId = "minio-test";
  const secretAccessKey = randomBytes(18).toString("hex");
  const child = spawn(bin, ["server", dataDir, "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${await freePort()}`, "--quiet"], {
    env: { ...process.env, MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey, MINIO_BROWSER: "off", MINIO_UPDATE: "off" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`MinIO exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/minio/health/ready`);
      if (res.ok) return { endpoint, accessKeyId, secretAccessKey, process: child, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error("MinIO did not become ready in 30 s");
}

/** The app's env for a run against these services. */
export function serviceEnv(input: { databaseUrl: string; minio: MinioServer; bucket: string; appUrl: string }): Record<string, string> {
  return {
    DATABASE_URL: input.databaseUrl,
    S3_ENDPOINT: input.minio.endpoint,
    S3_PUBLIC_ENDPOINT: input.minio.endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: input.bucket,
    S3_ACCESS_KEY_ID: input.minio.accessKeyId,
    S3_SECRET_ACCESS_KEY: input.minio.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    S3_PROVIDER: "minio",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    APP_URL: input.appUrl,
  };
}
