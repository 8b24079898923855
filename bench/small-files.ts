/**
 * B2: many small files through the upload page over loopback, as shipped (the app's own rate
 * limits): 200 x 256 KiB (random bytes under a JPEG start) and 1,000 x 64 KiB, then the
 * real-media folder (bench/real-media.ts: photos and videos that decode, so the page makes their
 * previews). Each file is one form POST to storage; the page creates and completes them in
 * batches (/api/uploads/batch, …/batch/complete).
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "@playwright/test";
import { setConcurrency, signedInUploadPage } from "./browser";
import { DEFAULT_CONCURRENCY } from "../client/queue/upload-queue";
import { measureFileBatch, printBatchCpu, printFileTimeline, printFilesPerSecond, printProblems, printStorageHosts, writeSmallFiles, type FileBatchRun } from "./file-batch";
import { printProfile, startPageProfile, type PageProfile } from "./page-profile";
import { previewMemoryLines, referencePreviewMemory, whileMakingPreviews, type PreviewMemory, type ReferenceMemory } from "./preview-memory";
import { PREVIEW_SETTING, printPreviews, type PreviewCount } from "./previews";
import type { RealMedia } from "./real-media";
import { totalCpuSeconds } from "./process-cpu";
import { fmt, median, megabytesPerSecond } from "./stats";
import { KIB } from "../lib/units";

export type SmallFilesScenario = { count: number; fileBytes: number };

/**
 * BENCH_SMALL_SCALE=0.2 for a quicker run (40 and 200 files); BENCH_SMALL_FILES=200 caps every
 * scenario at that many files. B5 scales its small files by the same factor.
 */
export const SMALL_SCALE = Number(process.env.BENCH_SMALL_SCALE ?? 1);
const MAX_FILES = Number(process.env.BENCH_SMALL_FILES ?? Number.POSITIVE_INFINITY);
export const scaledCount = (count: number) => Math.max(1, Math.min(MAX_FILES, Math.round(count * SMALL_SCALE)));

export const B2_SCENARIOS: SmallFilesScenario[] = [
  { count: scaledCount(200), fileBytes: 256 * KIB },
  { count: scaledCount(1_000), fileBytes: 64 * KIB },
];
/** BENCH_SMALL_CONCURRENCY=10 to try another "files at once" setting (printed beside the figures); unset, the page's default. */
const CONCURRENCY = process.env.BENCH_SMALL_CONCURRENCY ? Number(process.env.BENCH_SMALL_CONCURRENCY) : null;
const concurrencyLabel = () => (CONCURRENCY === null ? `files at once as shipped (${DEFAULT_CONCURRENCY})` : `files at once ${CONCURRENCY} (BENCH_SMALL_CONCURRENCY)`);
const TARGET_FILES_PER_SECOND = 150;
/** Photos in the real-media folder, scaled by BENCH_SMALL_SCALE like the scenarios. */
export const REAL_MEDIA_PHOTOS = scaledCount(200);
/** Issue 21's target for 200 real photos on loopback. */
const TARGET_REAL_MEDIA = ">= 60 files/s, every preview within 10 s of the last file done";

export type SmallFilesResult = FileBatchRun & { scenario: SmallFilesScenario; profile?: PageProfile };

export async function runSmallFiles(browser: Browser, appUrl: string, scenario: SmallFilesScenario, dir: string): Promise<SmallFilesResult> {
  const paths = await writeSmallFiles(dir, scenario.count, scenario.fileBytes);
  // Traced like B1: the page records each file's steps (a few User Timing entries per file).
  const page = await signedInUploadPage(browser, appUrl, { trace: true });
  try {
    if (CONCURRENCY !== null) await setConcurrency(page, CONCURRENCY);
    const stopProfile = await startPageProfile(page);
    const run = await measureFileBatch(page, appUrl, paths, 5 * 60_000);
    return { ...run, scenario, profile: await stopProfile?.() };
  } finally {
    await page.context().close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const scenarioLabel = ({ count, fileBytes }: SmallFilesScenario) => `${count} x ${fileBytes / KIB} KiB`;

export function printSmallFiles(result: SmallFilesResult): void {
  console.log(`\nB2 many small files: ${scenarioLabel(result.scenario)} through the upload page over loopback, ${concurrencyLabel()}`);
  printFilesPerSecond(result, `>= ${TARGET_FILES_PER_SECOND} files/s`);
  printStorageHosts(result);
  printProblems(result);
  printBatchCpu(result, result.count, "per file", "ms");
  printFileTimeline(result);
  if (result.profile) printProfile(result.profile, result.count);
}

/** The scenario's files, in a folder of their own under `tmp`. */
export const scenarioDir = (tmp: string, scenario: SmallFilesScenario) => path.join(tmp, `small-${scenario.count}x${scenario.fileBytes}`);

export type RealMediaResult = FileBatchRun & { corpus: RealMedia; previews: PreviewCount; memory: PreviewMemory; reference: ReferenceMemory; profile?: PageProfile };

/**
 * The real-media folder through a fresh page, like a scenario, its tab's memory sampled until the
 * last preview has landed; first the same for one 50 MP JPEG, the reference that memory is held
 * to (bench/preview-memory.ts). The folder stays for B5.
 */
export async function runRealMediaFiles(browser: Browser, appUrl: string, corpus: RealMedia, tmp: string): Promise<RealMediaResult> {
  const reference = await referencePreviewMemory(browser, appUrl, tmp);
  const page = await signedInUploadPage(browser, appUrl, { trace: true });
  try {
    if (CONCURRENCY !== null) await setConcurrency(page, CONCURRENCY);
    // BENCH_B2_PROFILE: the page's main thread while the folder goes, as for the synthetic rows.
    const stopProfile = await startPageProfile(page);
    const { run, ...memory } = await whileMakingPreviews(browser, page, appUrl, () => measureFileBatch(page, appUrl, corpus.paths, 5 * 60_000));
    return { ...run, corpus, previews: memory.previews, memory, reference, profile: await stopProfile?.() };
  } finally {
    await page.context().close();
  }
}

/** How many times B2 runs the real-media row (BENCH_B2_REAL_RUNS, default 3): one run is within its own noise of the targets. */
export const REAL_MEDIA_RUNS = Math.max(1, Number(process.env.BENCH_B2_REAL_RUNS ?? 3) || 3);

export function printRealMediaFiles(result: RealMediaResult, which?: { run: number; of: number }): void {
  const { corpus } = result;
  const label = which && which.of > 1 ? ` (run ${which.run} of ${which.of})` : "";
  console.log(`\nB2 real media${label}: ${corpus.photos} photos + ${corpus.videos} videos through the upload page over loopback, ${concurrencyLabel()}, ${PREVIEW_SETTING}`);
  console.log(`  the folder: ${corpus.summary}`);
  printFilesPerSecond(result, TARGET_REAL_MEDIA);
  printStorageHosts(result);
  console.log(`  ${fmt(megabytesPerSecond(result.bytes, result.spanMs))} MB/s (${fmt(result.bytes / 1e6)} MB in ${fmt(result.spanMs / 1000, 2)} s)`);
  printPreviews(result.previews);
  for (const line of previewMemoryLines(result.memory, result.reference)) console.log(`  ${line}`);
  printProblems(result);
  printBatchCpu(result, result.count, "per file", "ms");
  printFileTimeline(result);
  if (result.profile) printProfile(result.profile, result.count);
}

/** `median 38.5 (31.9–44.0)` */
const medianAndRange = (values: number[], digits = 1) => `median ${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;

/** The real-media row over its runs: what the targets are judged on, each figure's median and range. */
export function printRealMediaRuns(results: RealMediaResult[]): void {
  if (results.length < 2) return;
  const tails = results.map((r) => r.previews.lastPreviewMs ?? r.previews.firstCheckMs).map((ms) => ms / 1000);
  const made = results.map((r) => r.previews.images.previews + r.previews.videos.previews);
  const files = results[0]!.previews.images.files + results[0]!.previews.videos.files;
  const cpu = results.map((r) => (1000 * totalCpuSeconds(r.cpuMachine)) / r.count);
  console.log(`\nB2 real media over ${results.length} runs (${TARGET_REAL_MEDIA}):`);
  console.log(`  files/s ${medianAndRange(results.map((r) => r.filesPerSecond))}; last preview after the last file ${medianAndRange(tails, 2)} s; previews made, fewest ${Math.min(...made)} of ${files}`);
  console.log(`  CPU per file, all processes, ms ${medianAndRange(cpu)}; tab PSS max ${medianAndRange(results.map((r) => r.memory.memory.pssMax / 1e6), 0)} MB`);
}
