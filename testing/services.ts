/**
 * Real services for tests and benchmarks: a fresh PostgreSQL database on the local server and an
 * S3 store built with the Go toolchain: MinIO, or SeaweedFS (TEST_STORE=seaweedfs). Nothing here
 * is faked: S3 policy and signature checks are part of what the tests assert.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

/** Pinned MinIO build (the module proxy has no semver tags for MinIO, so this is a pseudo-version). */
export const MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c";
/**
 * Pinned SeaweedFS build: release 4.53 as a module pseudo-version. Its go.mod has replace
 * directives, so `go install` refuses it; ensureSeaweedBinary builds it in the module's folder.
 */
export const SEAWEEDFS_VERSION = "v0.0.0-20261109003541-7506e5f91cd6";
export const SEAWEEDFS_RELEASE = "4.53";
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

/** `count` distinct free ports: each held open until all are found, so none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
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

/** The S3 stores the suites run against: MinIO by default, SeaweedFS with TEST_STORE=seaweedfs. */
export const TEST_STORES = ["minio", "seaweedfs"] as const;
export type TestStoreName = (typeof TEST_STORES)[number];

/** TEST_STORE, checked; minio when unset. */
export function testStoreName(): TestStoreName {
  const name = process.env.TEST_STORE || "minio";
  if (!(TEST_STORES as readonly string[]).includes(name)) throw new Error(`TEST_STORE must be one of ${TEST_STORES.join(", ")} (got ${name})`);
  return name as TestStoreName;
}

/** A running S3 store with one identity whose signatures it checks. */
export type StoreServer = {
  name: TestStoreName;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  process: ChildProcess;
  stop: () => Promise<void>;
};
export type MinioServer = StoreServer;

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
      if (res.ok) return { name: "minio", endpoint, accessKeyId, secretAccessKey, process: child, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error("MinIO did not become ready in 30 s");
}

/**
 * The SeaweedFS binary: $SEAWEEDFS_BIN, else `weed-<version>` in the Go bin folder, built there
 * when missing: the module is downloaded into the module cache and built in its own folder
 * (`-mod=mod` lets its replace directives apply). Several minutes on a cold machine.
 */
export function ensureSeaweedBinary(): string {
  if (process.env.SEAWEEDFS_BIN && existsSync(process.env.SEAWEEDFS_BIN)) return process.env.SEAWEEDFS_BIN;
  const bin = path.join(goBinDir(), `weed-${SEAWEEDFS_VERSION}`);
  if (existsSync(bin)) return bin;
  console.log(`[services] building SeaweedFS ${SEAWEEDFS_RELEASE} (${SEAWEEDFS_VERSION}) with go build (first time only, takes minutes)`);
  const download = JSON.parse(execFileSync("go", ["mod", "download", "-json", `github.com/seaweedfs/seaweedfs@${SEAWEEDFS_VERSION}`]).toString()) as { Dir?: string };
  if (!download.Dir) throw new Error("go mod download named no folder for SeaweedFS");
  mkdirSync(path.dirname(bin), { recursive: true });
  // Built beside its final name, then renamed: a build that stops half-way leaves no binary to trust.
  const partial = `${bin}.partial-${process.pid}`;
  execFileSync("go", ["build", "-o", partial, "./weed"], { cwd: download.Dir, stdio: "inherit", env: { ...process.env, GOFLAGS: "-mod=mod" } });
  renameSync(partial, bin);
  return bin;
}

/**
 * SeaweedFS on free loopback ports with a temp data folder: `weed server -s3` (master, volume
 * server, filer and the S3 gateway in one process), with one S3 identity (the config file), so
 * every request must carry its signature. Ready once a signed ListBuckets goes through.
 */
export async function startSeaweedfs(): Promise<StoreServer> {
  const bin = ensureSeaweedBinary();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "seaweedfs-test-"));
  const accessKeyId = "seaweed-test";
  const secretAccessKey = randomBytes(18).toString("hex");
  const config = path.join(dataDir, "s3.json");
  const identity = { name: "app", credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ["Admin", "Read", "List", "Tagging", "Write"] };
  writeFileSync(config, JSON.stringify({ identities: [identity] }));
  const [s3, master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3Grpc] = await freePorts(8);
  const args = [
    "server",
    `-dir=${dataDir}`,
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    "-master.telemetry=false",
    // Each bucket is a collection and each lifecycle-expired prefix a TTL, and SeaweedFS grows 7
    // volumes for each; the default (8 volumes of 30 GiB) is used up by the suite's bucket, and a
    // second bucket's writes then answer 500 InternalError (s3:setup's probe found it). Smaller
    // volumes (sparse, not preallocated), and room for many.
    "-volume.max=200",
    "-master.volumeSizeLimitMB=256",
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    "-s3",
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    `-s3.config=${config}`,
  ];
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  // Its log is loud; kept for the message if it never gets ready.
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${s3}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const { ListBucketsCommand, S3Client } = await import("@aws-sdk/client-s3");
  const client = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) break;
    try {
      await client.send(new ListBucketsCommand({}));
      client.destroy();
      return { name: "seaweedfs", endpoint, accessKeyId, secretAccessKey, process: child, stop };
    } catch {
      // not listening, or the filer not ready yet
    }
    await sleep(250);
  }
  client.destroy();
  await stop();
  throw new Error(`SeaweedFS did not become ready in 60 s (exit code ${child.exitCode}):\n${log}`);
}

/** The store TEST_STORE names, started. */
export function startTestStore(): Promise<StoreServer> {
  return testStoreName() === "seaweedfs" ? startSeaweedfs() : startMinio();
}

/** The app's env for a run against these services. */
export function serviceEnv(input: { databaseUrl: string; store: StoreServer; bucket: string; appUrl: string }): Record<string, string> {
  return {
    DATABASE_URL: input.databaseUrl,
    S3_ENDPOINT: input.store.endpoint,
    S3_PUBLIC_ENDPOINT: input.store.endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: input.bucket,
    S3_ACCESS_KEY_ID: input.store.accessKeyId,
    S3_SECRET_ACCESS_KEY: input.store.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    S3_PROVIDER: input.store.name,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    APP_URL: input.appUrl,
  };
}
