/**
 * B4: memory while one 5 GiB file goes through the upload page. The tab's renderer process's PSS
 * and the JS heap of the page and its Workers (bench/tab-memory.ts), and the `next start` server's
 * RSS, are sampled every 500 ms. Parts are Blob slices read one at a time, so neither should grow
 * with the file.
 */
import path from "node:path";
import type { Browser } from "@playwright/test";
import { signedInUploadPage, uploadThroughPage } from "./browser";
import { largestInGroup, sampleEvery } from "./process-memory";
import type { AppServer } from "./server";
import { tabReader } from "./tab-memory";
import { GIB } from "../lib/units";
import { fmt, megabytesPerSecond } from "./stats";

/** BENCH_B4_GIB=1 for a quicker run. */
export const B4_FILE_BYTES = Number(process.env.BENCH_B4_GIB ?? 5) * GIB;
const SAMPLE_MS = 500;
const TAB_TARGET_BYTES = 300e6;

type Sample = { at: number; jsHeap: number; renderers: number; server: number };
export type MemoryResult = { samples: Sample[]; serverBefore: number; serverAfter: number; mbps: number };

async function serverBytes(server: AppServer): Promise<number> {
  return (await largestInGroup(server.pid))?.bytes ?? Number.NaN;
}

export async function runMemory(input: { browser: Browser; server: AppServer; file: string }): Promise<MemoryResult> {
  const { browser, server, file } = input;
  const page = await signedInUploadPage(browser, server.url);
  try {
    const serverBefore = await serverBytes(server);
    const started = performance.now();
    const tab = await tabReader(browser, page);
    const sampler = sampleEvery(SAMPLE_MS, async (): Promise<Sample> => {
      const [{ pss, jsHeap }, serverNow] = await Promise.all([tab.read(), serverBytes(server)]);
      return { at: performance.now() - started, jsHeap, renderers: pss, server: serverNow };
    });
    let samples: Sample[] = [];
    const run = await uploadThroughPage(page, [file], 20 * 60_000).finally(async () => {
      samples = await sampler.stop();
      await tab.close();
    });
    if (run.failures.length > 0) throw new Error(`the 5 GiB upload did not finish: ${run.failures[0]!.reason}`);
    const done = run.rows[path.basename(file)]?.done;
    if (done === undefined) throw new Error("the row never showed done");
    return { samples, serverBefore, serverAfter: await serverBytes(server), mbps: megabytesPerSecond(B4_FILE_BYTES, done - run.addedAt) };
  } finally {
    await page.context().close();
  }
}

const mb = (bytes: number) => `${fmt(bytes / 1e6, 0)} MB`;
const max = (values: number[]) => Math.max(...values);

export function printMemory(result: MemoryResult): void {
  const { samples } = result;
  const quarter = (i: number) => samples[Math.min(samples.length - 1, Math.floor((samples.length * i) / 4))]!;
  console.log(`\nB4 memory, one ${B4_FILE_BYTES / GIB} GiB file through the upload page (${fmt(result.mbps)} MB/s), ${samples.length} samples every ${SAMPLE_MS} ms`);
  console.log(`  tab JS heap (page + Workers): max ${mb(max(samples.map((s) => s.jsHeap)))}; at 25/50/75%: ${[1, 2, 3].map((i) => mb(quarter(i).jsHeap)).join(" / ")}`);
  const tabMax = max(samples.map((s) => s.renderers));
  const tabSorted = samples.map((s) => s.renderers).sort((a, b) => a - b);
  const atMax = samples.find((s) => s.renderers === tabMax)!;
  console.log(`  tab renderer PSS every 10% of the run: ${Array.from({ length: 11 }, (_, i) => fmt(samples[Math.min(samples.length - 1, Math.floor(((samples.length - 1) * i) / 10))]!.renderers / 1e6, 0)).join(" ")} MB`);
  console.log(`  tab renderer PSS p50 ${mb(tabSorted[Math.floor(tabSorted.length / 2)]!)}, p95 ${mb(tabSorted[Math.floor(tabSorted.length * 0.95)]!)}; max at ${fmt(atMax.at / 1000)} s of ${fmt(samples.at(-1)!.at / 1000)} s`);
  console.log(`  tab renderer PSS:   max ${mb(tabMax)}; at 25/50/75%: ${[1, 2, 3].map((i) => mb(quarter(i).renderers)).join(" / ")}  (target < ${mb(TAB_TARGET_BYTES)}: ${tabMax < TAB_TARGET_BYTES ? "met" : "NOT met"})`);
  const serverMax = max(samples.map((s) => s.server));
  console.log(
    `  server RSS:         before ${mb(result.serverBefore)}, max ${mb(serverMax)}, after ${mb(result.serverAfter)}; at 25/50/75%: ${[1, 2, 3].map((i) => mb(quarter(i).server)).join(" / ")}  (growth ${mb(serverMax - result.serverBefore)})`,
  );
}
