/**
 * `npm run bench`: provisions a fresh database and MinIO, builds the app, runs `next start`, and
 * prints B1 (1 GiB: browser vs lib-storage), B3 (signing routes under load), B2 (many small
 * files), B4 (memory during a 5 GiB upload) and the part size x connections sweep (table + PNG);
 * `npm run bench -- b2` runs only B2. Figures only, no pass/fail. Runs under
 * `flock /tmp/next-build.lock` (see package.json): the build and the server use this folder's
 * .next output, which other runs share.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "@playwright/test";
import { freePort } from "../scripts/services";
import { provisionTestServices } from "../scripts/provision";
import { launchChromium, signedInUploadPage } from "./browser";
import { printHandlerDurations, readRequestLines } from "./server-log";
import { buildApp, startApp, type AppServer } from "./server";
import { createApiToken, printSigningLoad, runSigningLoad } from "./signing-load";
import { printMemory, runMemory, B4_FILE_BYTES } from "./memory";
import { printSmallFiles, runSmallFiles } from "./small-files";
import { printSweep, runSweep, writeSweepPng } from "./sweep";
import { B1_FILE_BYTES, printThroughput, runThroughput, writeRandomFile } from "./throughput";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const HIGH_LIMIT = "100000000";
/** Committed with docs/benchmarks.md, which shows it. */
const SWEEP_PNG = path.resolve(process.env.BENCH_SWEEP_PNG ?? "docs/bench-sweep.png");

/** `npm run bench -- b2 b3` runs only those; no argument runs them all. */
const ALL_BENCHMARKS = ["b1", "b3", "b2", "b4", "sweep"] as const;
type BenchmarkName = (typeof ALL_BENCHMARKS)[number];

function selectedBenchmarks(args: string[]): BenchmarkName[] {
  const wanted = args.map((arg) => arg.toLowerCase());
  const unknown = wanted.filter((arg) => !(ALL_BENCHMARKS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; choose from ${ALL_BENCHMARKS.join(", ")}`);
  return wanted.length === 0 ? [...ALL_BENCHMARKS] : ALL_BENCHMARKS.filter((name) => wanted.includes(name));
}

type Run = {
  selected: BenchmarkName[];
  browser: Browser;
  server: AppServer;
  env: Record<string, string>;
  tmp: string;
  /** Stops `next start` and starts it again on the same port (same APP_URL) with extra variables. */
  restartApp: (extraEnv: Record<string, string>) => Promise<AppServer>;
};

async function benchmarks({ selected, browser, server, env, tmp, restartApp }: Run): Promise<void> {
  const appUrl = server.url;
  const bigFile = path.join(tmp, "bench-1gib.mp4");
  if (selected.includes("b1") || selected.includes("sweep")) await writeRandomFile(bigFile, B1_FILE_BYTES);
  if (selected.includes("b1")) printThroughput(await runThroughput({ browser, appUrl, file: bigFile, env }));

  let logged = (await readRequestLines(server.logFile)).length;
  if (selected.includes("b3")) {
    console.log("\nB3 part-URL signing cost (CPU per URL, offline):");
    spawnSync("npx", ["tsx", "--conditions=react-server", "bench/part-signing.ts"], { stdio: "inherit" });
    const page = await signedInUploadPage(browser, appUrl);
    const token = await createApiToken(page);
    await page.context().close();
    logged = (await readRequestLines(server.logFile)).length;
    printSigningLoad(await runSigningLoad(appUrl, token));
    logged = await printHandlerDurations(server.logFile, logged, "B3 incl. warm-up");
  }

  if (selected.includes("b2")) {
    printSmallFiles(await runSmallFiles(browser, appUrl, path.join(tmp, "small")));
    await printHandlerDurations(server.logFile, logged, "B2");
  }

  if (selected.includes("b4")) {
    const hugeFile = path.join(tmp, "bench-5gib.mp4");
    await writeRandomFile(hugeFile, B4_FILE_BYTES);
    printMemory(await runMemory({ browser, server, file: hugeFile }));
    await rm(hugeFile);
  }

  if (selected.includes("sweep")) {
    const result = await runSweep({ browser, env, file: bigFile, fileBytes: B1_FILE_BYTES, restartApp: async (extra) => (await restartApp(extra)).url });
    printSweep(result);
    await writeSweepPng(browser, result, SWEEP_PNG);
    console.log(`  plot written to ${path.relative(process.cwd(), SWEEP_PNG)}`);
  }
  await rm(bigFile, { force: true });
}

async function main(): Promise<void> {
  const selected = selectedBenchmarks(process.argv.slice(2));
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const services = await provisionTestServices(appUrl);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "uploads-bench-"));
  let server: AppServer | undefined;
  let browser: Browser | undefined;
  try {
    // The browser talks to MinIO directly, as lib-storage does, not through the tests' fault proxy.
    const env = {
      ...services.env,
      S3_PUBLIC_ENDPOINT: services.env.S3_ENDPOINT!,
      RATE_LIMIT_UPLOADS_PER_MINUTE: HIGH_LIMIT,
      RATE_LIMIT_PARTS_PER_MINUTE: HIGH_LIMIT,
    };
    await buildApp(env);
    server = await startApp(port, env, path.join(tmp, "next-start.log"));
    browser = await launchChromium();
    console.log(`[bench] app ${appUrl}, Chromium ${browser.version()}, node ${process.version}, ${os.cpus().length} CPUs`);
    const restartApp = async (extraEnv: Record<string, string>) => {
      await server?.stop();
      server = undefined;
      server = await startApp(port, { ...env, ...extraEnv }, path.join(tmp, "next-start.log"));
      return server;
    };
    await benchmarks({ selected, browser, server, env, tmp, restartApp });
  } finally {
    await browser?.close();
    await server?.stop();
    await services.teardown();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
