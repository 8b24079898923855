/**
 * B5: the upload page over an emulated link, as shipped. Chromium's own network emulation (CDP
 * `Network.emulateNetworkConditions` on the page) adds the latency to each request and makes all
 * of the page's requests, to the app and to storage alike, share one link's throughput each way.
 * For each link: 200 x 256 KiB (form POSTs), the real-media folder (bench/real-media.ts; with the
 * previews the page makes of it) and one 256 MiB file (multipart), timed like B1/B2.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { signedInUploadPage } from "./browser";
import { measureFileBatch, printBatchCpu, printFileTimeline, printFilesPerSecond, printProblems, printStorageHosts, writeSmallFiles, type FileBatchRun } from "./file-batch";
import { countPreviews, PREVIEW_SETTING, printPreviews, type PreviewCount } from "./previews";
import type { RealMedia } from "./real-media";
import { scaledCount } from "./small-files";
import { KIB, MIB } from "../lib/units";
import { fmt, megabytesPerSecond } from "./stats";
import { writeRandomFile } from "./throughput";

/** An emulated link: `bytesPerSecond` each way (CDP takes bytes/s), `latencyMs` added per request. */
export type Link = { label: string; latencyMs: number; bytesPerSecond: number };

export const B5_LINKS: Link[] = [
  { label: "100 Mbit/s, 40 ms", latencyMs: 40, bytesPerSecond: 12_500_000 },
  { label: "1 Gbit/s, 10 ms", latencyMs: 10, bytesPerSecond: 125_000_000 },
];
/** Scaled by BENCH_SMALL_SCALE like B2. */
const SMALL = { count: scaledCount(200), fileBytes: 256 * KIB };
/** BENCH_B5_BIG_MIB=32 for a quicker run (at or under MULTIPART_THRESHOLD_BYTES it goes as one POST, not multipart). */
export const B5_BIG_BYTES = Number(process.env.BENCH_B5_BIG_MIB ?? 256) * MIB;
const TARGET_SHARE_SMALL = 90;
const TARGET_SHARE_BIG = 95;

/** Figures under a link's heading. */
const ROW = "      ";

type LinkRow = { link: Link; small: FileBatchRun; media: FileBatchRun & { previews: PreviewCount }; big: FileBatchRun };

/**
 * Throttles every request of this page's frame, whatever its origin: a cross-origin XHR to
 * storage takes the emulated time without `Network.enable` on this session (checked on Chromium
 * 156; the printed "the link alone" time is there to see it hold). The page's uploads run on its
 * main thread; a worker would be a target of its own, which these conditions would not reach.
 */
async function emulateLink(page: Page, link: Link): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: link.latencyMs,
    downloadThroughput: link.bytesPerSecond,
    uploadThroughput: link.bytesPerSecond,
  });
}

/** The files through a fresh page (new user, no resume records) behind the emulated link. */
async function overLink(browser: Browser, appUrl: string, link: Link, paths: string[]): Promise<FileBatchRun>;
async function overLink(browser: Browser, appUrl: string, link: Link, paths: string[], withPreviews: true): Promise<FileBatchRun & { previews: PreviewCount }>;
async function overLink(browser: Browser, appUrl: string, link: Link, paths: string[], withPreviews = false): Promise<FileBatchRun & { previews?: PreviewCount }> {
  const page = await signedInUploadPage(browser, appUrl, { trace: true });
  try {
    await emulateLink(page, link);
    const run = await measureFileBatch(page, appUrl, paths, 10 * 60_000);
    return withPreviews ? { ...run, previews: await countPreviews(page, appUrl, run.lastDoneAt) } : run;
  } finally {
    await page.context().close();
  }
}

export async function runEmulatedLinks(browser: Browser, appUrl: string, tmp: string, corpus: RealMedia): Promise<LinkRow[]> {
  const dir = path.join(tmp, "b5");
  const smallPaths = await writeSmallFiles(dir, SMALL.count, SMALL.fileBytes);
  const bigFile = path.join(dir, "b5-big.mp4");
  await writeRandomFile(bigFile, B5_BIG_BYTES);
  const rows: LinkRow[] = [];
  try {
    for (const link of B5_LINKS) {
      const small = await overLink(browser, appUrl, link, smallPaths);
      const media = await overLink(browser, appUrl, link, corpus.paths, true);
      const big = await overLink(browser, appUrl, link, [bigFile]);
      console.log(`[B5] ${link.label} done`);
      rows.push({ link, small, media, big });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/** MB/s, the share of the link it used, and the time against the least the link allows. */
function linkFigures(run: FileBatchRun, link: Link, target: number): string {
  const seconds = run.spanMs / 1000;
  const share = (100 * run.bytes) / seconds / link.bytesPerSecond;
  // Above 100 % the bytes did not go through the emulated link at all.
  const note = share > 105 ? "; faster than the link: the emulation did not apply" : "";
  return `${fmt(megabytesPerSecond(run.bytes, run.spanMs))} MB/s, ${fmt(share, 0)}% of the link (target >= ${target}%); ${fmt(seconds, 2)} s, the link alone needs ${fmt(run.bytes / link.bytesPerSecond, 2)} s${note}`;
}

export function printEmulatedLinks(rows: LinkRow[], corpus: RealMedia): void {
  console.log(`\nB5 emulated link: Chromium's network emulation on the upload page (latency per request, throughput each way shared by all its requests)`);
  console.log(`  real media: ${corpus.summary}; ${PREVIEW_SETTING}`);
  for (const { link, small, media, big } of rows) {
    console.log(`  ${link.label} (${fmt(link.bytesPerSecond / 1e6)} MB/s each way):`);
    console.log(`    ${SMALL.count} x ${SMALL.fileBytes / KIB} KiB: ${linkFigures(small, link, TARGET_SHARE_SMALL)}`);
    printFilesPerSecond(small, undefined, ROW);
    printStorageHosts(small, ROW);
    printProblems(small, ROW);
    printBatchCpu(small, small.count, "per file", "ms", ROW);
    printFileTimeline(small, ROW);
    console.log(`    real media, ${corpus.photos} photos + ${corpus.videos} videos: ${linkFigures(media, link, TARGET_SHARE_SMALL)}`);
    printFilesPerSecond(media, undefined, ROW);
    printStorageHosts(media, ROW);
    printPreviews(media.previews, ROW);
    printProblems(media, ROW);
    printBatchCpu(media, media.count, "per file", "ms", ROW);
    printFileTimeline(media, ROW);
    console.log(`    one ${B5_BIG_BYTES / MIB} MiB file: ${linkFigures(big, link, TARGET_SHARE_BIG)}`);
    printStorageHosts(big, ROW);
    printProblems(big, ROW);
    printBatchCpu(big, 1, "for the file", "CPU-s", ROW);
  }
}
