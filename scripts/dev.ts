/**
 * `npm run dev` with zero configuration: PGlite under DATA_DIR (default .data/), an embedded S3
 * endpoint (s3rver) when S3_ENDPOINT is unset, a generated AUTH_SECRET kept under DATA_DIR, then
 * `next dev`. Any variable you set wins, so real services need no code change.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import S3rver from "s3rver";
import { browserEndpoints, describeEndpoint, splitEndpointList } from "../lib/storage-endpoints";
import { describeStoreAbilities, resolveStoreAbilitiesFromEnv } from "../lib/store-abilities";

const DEV_S3_CREDENTIAL = "S3RVER"; // s3rver's fixed access key and secret

function corsXml(origin: string): string {
  return `<CORSConfiguration><CORSRule><AllowedOrigin>${origin}</AllowedOrigin>
<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>
<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

function authSecret(dataDir: string): { value: string; source: string } {
  if (process.env.AUTH_SECRET) return { value: process.env.AUTH_SECRET, source: "AUTH_SECRET" };
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return { value: readFileSync(file, "utf8").trim(), source: `generated, kept in ${file}` };
}

async function startEmbeddedS3(dataDir: string, bucket: string, appUrl: string) {
  const port = Number(process.env.DEV_S3_PORT ?? 4569);
  const directory = path.join(dataDir, "s3");
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [corsXml(appUrl)] }],
  });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function main() {
  const dataDir = path.resolve(process.env.DATA_DIR ?? ".data");
  mkdirSync(dataDir, { recursive: true });
  const port = Number(process.env.PORT ?? 3000);
  const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
  const env: Record<string, string> = { DATA_DIR: dataDir, APP_URL: appUrl, S3_BUCKET: process.env.S3_BUCKET ?? "uploads" };
  env.AUTH_SECRET = authSecret(dataDir).value;

  let s3Line: string;
  let s3: { close: () => Promise<unknown> } | undefined;
  if (process.env.S3_ENDPOINT) {
    s3Line = `${process.env.S3_ENDPOINT} (S3_ENDPOINT), bucket ${env.S3_BUCKET}`;
  } else {
    const embedded = await startEmbeddedS3(dataDir, env.S3_BUCKET!, appUrl);
    s3 = embedded;
    Object.assign(env, {
      S3_ENDPOINT: embedded.endpoint,
      // Unset (empty is unset): the loopback default spreads uploads over 127.0.0.1 and localhost.
      S3_PUBLIC_ENDPOINT: "",
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: DEV_S3_CREDENTIAL,
      S3_SECRET_ACCESS_KEY: DEV_S3_CREDENTIAL,
    });
    s3Line = `embedded local S3 (dev only) at ${embedded.endpoint}, bucket ${env.S3_BUCKET}, files in ${path.join(dataDir, "s3")}
  │           (dev only: s3rver does not enforce POST policy conditions and has no ListParts)`;
  }
  const merged = { ...process.env, ...env };
  const uploadHosts = browserEndpoints({ publicEndpoints: splitEndpointList(merged.S3_PUBLIC_ENDPOINT ?? ""), endpoint: merged.S3_ENDPOINT || undefined })
    .map((endpoint) => describeEndpoint(endpoint, env.S3_BUCKET!, merged.S3_REGION || "us-east-1"))
    .join(", ");
  const storeLine = describeStoreAbilities(resolveStoreAbilitiesFromEnv(merged));
  const dbLine = process.env.DATABASE_URL
    ? `PostgreSQL (DATABASE_URL)`
    : `embedded PGlite in ${path.join(dataDir, "pglite")}`;

  console.log(`
  ┌─ Uploads dev server ─────────────────────────────────────────
  │ open      ${appUrl}
  │ database  ${dbLine}
  │ storage   ${s3Line}
  │ uploads   to ${uploadHosts} (S3_PUBLIC_ENDPOINT)
  │ store     ${storeLine} (docs/storage.md)
  │ auth      ${process.env.AUTH_SECRET ? "AUTH_SECRET from env" : `generated secret in ${path.join(dataDir, "auth-secret")}`}
  │ Set DATABASE_URL / S3_* / AUTH_SECRET to use real services (see README).
  └──────────────────────────────────────────────────────────────
`);

  const next = spawn("npx", ["next", "dev", "-p", String(port), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const stop = () => next.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  next.on("exit", async (code) => {
    await s3?.close();
    process.exit(code ?? 0);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
