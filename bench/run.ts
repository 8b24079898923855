/**
 * `npm run bench`: provisions a fresh database and MinIO, builds the app, runs `next start`, and
 * prints B1 (1 GiB: browser vs lib-storage), B3 (signing routes under load), B2 (many small
 * files, and a folder of real photos and videos made at bench time: bench/real-media.ts), B5
 * (the page over an emulated link, the same folder too), B4 (memory during a 5 GiB upload) and the part
 * size x connections sweep (table + PNG); `npm run bench -- b2` runs only B2. Figures only, no
 * pass/fail. The app runs as shipped, with its default rate limits, except for B3 (see
 * B3_RAISED_LIMITS). Runs under
 * `flock /tmp/next-build.lock` (see package.json): the build and the server use this folder's
 * .next output, which other runs share.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "@playwright/test";
import { freePort } from "../testing/services";
import { browserEndpoints, describeEndpoint } from "../lib/storage-endpoints";
import { describeStoreAbilities, resolveStoreAbilitiesFromEnv, STORE_ABILITY_VARIABLES } from "../lib/store-abilities";
import { provisionTestServices } from "../testing/provision";
import { closeBenchDatabase, openBenchDatabase } from "./bench-db";
import { launchChromium, signedInUploadPage, uploadThroughPage } from "./browser";
import { printHandlerDurations, readRequestLines } from "./server-log";
import { buildApp, startApp, type AppServer } from "./server";
import { createApiToken, printSigningLoad, runSigningLoad } from "./signing-load";
import { printMemory, runMemory, B4_FILE_BYTES } from "./memory";
import { printEmulatedLinks, runEmulatedLinks } from "./emulated-link";
import { realMedia, type RealMedia } from "./real-media";
import { B2_SCENARIOS, printRealMediaFiles, printRealMediaRuns, printSmallFiles, REAL_MEDIA_PHOTOS, REAL_MEDIA_RUNS, runRealMediaFiles, runSmallFiles, scenarioDir, scenarioLabel } from "./small-files";
import { printSweep, runSweep, writeSweepPng } from "./sweep";
import { B1_FILE_BYTES, printThroughput, runThroughput, writeRandomFile } from "./throughput";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
/**
 * B3 offers 200 requests a second from one user, which the per-user limits on the signing routes
 * refuse by design (600 create requests a minute, 6,000 part URLs a minute): for B3 only the app
 * is restarted with these, and they are printed beside its figures.
 */
const B3_RAISED_LIMITS = {
  RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE: "100000000",
  RATE_LIMIT_UPLOAD_FILES_PER_HOUR: "100000000",
  RATE_LIMIT_PARTS_PER_MINUTE: "100000000",
};
/** Committed with docs/benchmarks.md, which shows it. */
const SWEEP_PNG = path.resolve(process.env.BENCH_SWEEP_PNG ?? "docs/bench-sweep.png");

/** `npm run bench -- b2 b3` runs only those; no argument runs them all. */
const ALL_BENCHMARKS = ["b1", "b3", "b2", "b5", "b4", "sweep"] as const;
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

/** Each name=value, for the line printed beside B3's figures. */
const formatSettings = (settings: Record<string, string>) =>
  Object.entries(settings)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");

/** B3 against an app restarted with B3_RAISED_LIMITS; restarts it as shipped afterwards. */
async function signingBenchmark({ browser, restartApp }: Run): Promise<AppServer> {
  console.log("\nB3 part-URL signing cost (CPU per URL, offline):");
  spawnSync("npx", ["tsx", "--conditions=react-server", "bench/part-signing.ts"], { stdio: "inherit" });
  const raised = await restartApp(B3_RAISED_LIMITS);
  const page = await signedInUploadPage(browser, raised.url);
  const token = await createApiToken(page);
  await page.context().close();
  const logged = (await readRequestLines(raised.logFile)).length;
  printSigningLoad(await runSigningLoad(raised.url, token), formatSettings(B3_RAISED_LIMITS));
  await printHandlerDurations(raised.logFile, logged, "B3 incl. warm-up");
  const restored = await restartApp({});
  console.log("[B3] app restarted with its default limits for the benchmarks after it");
  return restored;
}

/** Files the warm-up sends through a page before B2 and B5 are timed. */
const WARM_UP_FILES = 24;

/**
 * A fresh `next start` loads and compiles each route's modules on its first requests, and V8
 * optimises the hot paths over the first hundreds: the first real-media row after a start ran at
 * 45 files/s where the next two made 60 and 52 (docs/benchmarks.md, session 12). A server that has
 * taken one upload is what people meet, so B2 and B5 are timed after a few photos of the folder
 * went through a page of their own (untimed, the page closed before its previews are all made).
 */
async function warmUp(browser: Browser, appUrl: string, corpus: RealMedia): Promise<void> {
  const page = await signedInUploadPage(browser, appUrl);
  try {
    await uploadThroughPage(page, corpus.paths.slice(0, WARM_UP_FILES), 2 * 60_000);
    console.log(`[bench] warm-up: ${WARM_UP_FILES} photos of the folder sent through a page of their own before B2 and B5 are timed (not counted)`);
  } finally {
    await page.context().close();
  }
}

async function benchmarks(run: Run): Promise<void> {
  const { selected, browser, env, tmp, restartApp } = run;
  // The app as it is now: B3 and the sweep restart it (same port, so the same URL).
  let app = run.server;
  const appUrl = app.url;
  const bigFile = path.join(tmp, "bench-1gib.mp4");
  if (selected.includes("b1") || selected.includes("sweep")) await writeRandomFile(bigFile, B1_FILE_BYTES);
  if (selected.includes("b1")) printThroughput(await runThroughput({ browser, appUrl, file: bigFile, env }));

  if (selected.includes("b3")) app = await signingBenchmark(run);

  // B2 and B5 share one real-media folder, made before either is timed.
  const corpus = selected.includes("b2") || selected.includes("b5") ? await realMedia(browser, tmp, REAL_MEDIA_PHOTOS) : null;
  if (corpus) await warmUp(browser, appUrl, corpus);
  if (selected.includes("b2") && corpus) {
    // BENCH_B2_REAL_ONLY=1: only the real-media row (a quicker run when that is what is measured).
    const scenarios = process.env.BENCH_B2_REAL_ONLY === "1" ? [] : B2_SCENARIOS;
    if (scenarios.length === 0) console.log("\nB2: the synthetic rows skipped (BENCH_B2_REAL_ONLY=1)");
    for (const scenario of scenarios) {
      // A restart starts the log afresh, so count from what is in it now.
      const logged = (await readRequestLines(app.logFile)).length;
      printSmallFiles(await runSmallFiles(browser, appUrl, scenario, scenarioDir(tmp, scenario)));
      await printHandlerDurations(app.logFile, logged, `B2 ${scenarioLabel(scenario)}`);
    }
    // The real-media row moves by a quarter from run to run on a 2-core machine: it runs
    // REAL_MEDIA_RUNS times (BENCH_B2_REAL_RUNS), each printed, then the median and the range.
    const results = [];
    for (let i = 1; i <= REAL_MEDIA_RUNS; i++) {
      const logged = (await readRequestLines(app.logFile)).length;
      const result = await runRealMediaFiles(browser, appUrl, corpus, tmp);
      printRealMediaFiles(result, { run: i, of: REAL_MEDIA_RUNS });
      await printHandlerDurations(app.logFile, logged, "B2 real media (incl. the preview count's GET /api/files)");
      results.push(result);
    }
    printRealMediaRuns(results);
  }

  if (selected.includes("b5") && corpus) printEmulatedLinks(await runEmulatedLinks(browser, appUrl, tmp, corpus), corpus);

  if (selected.includes("b4")) {
    const hugeFile = path.join(tmp, "bench-5gib.mp4");
    await writeRandomFile(hugeFile, B4_FILE_BYTES);
    printMemory(await runMemory({ browser, server: app, file: hugeFile }));
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
    // The browser talks to MinIO directly, as lib-storage does, not through the tests' fault proxy:
    // S3_PUBLIC_ENDPOINT unset (empty is unset), so the app's default for a loopback S3_ENDPOINT
    // applies, as shipped: uploads spread over the bucket's two loopback host names.
    // No rate limit settings: every benchmark but B3 runs with the app's defaults.
    const env: Record<string, string> = { ...services.env, S3_PUBLIC_ENDPOINT: "" };
    openBenchDatabase(env.DATABASE_URL!);
    // BENCH_REUSE_BUILD=1: start the production build already in .next (for A/B runs of one tree
    // that differ only in env); otherwise every run builds the tree it measures.
    if (process.env.BENCH_REUSE_BUILD === "1") console.log("[bench] next build skipped: BENCH_REUSE_BUILD=1 reuses .next");
    else await buildApp(env);
    server = await startApp(port, env, path.join(tmp, "next-start.log"));
    browser = await launchChromium();
    console.log(`[bench] app ${appUrl}, Chromium ${browser.version()}, node ${process.version}, ${os.cpus().length} CPUs`);
    console.log(`[bench] upload hosts (S3_PUBLIC_ENDPOINT unset): ${browserEndpoints({ endpoint: env.S3_ENDPOINT }).map((e) => describeEndpoint(e, env.S3_BUCKET!, env.S3_REGION!)).join(", ")}`);
    // The store's abilities the app runs with; any S3_* ability set in this shell is a setting changed for the run.
    const changed = STORE_ABILITY_VARIABLES.filter((name) => process.env[name] !== undefined && env[name] === undefined).map((name) => `${name}=${process.env[name]}`);
    console.log(`[bench] store: ${describeStoreAbilities(resolveStoreAbilitiesFromEnv({ ...process.env, ...env }))}${changed.length > 0 ? `; setting changed for this run: ${changed.join(" ")}` : ", as shipped"}`);
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
    await closeBenchDatabase();
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
