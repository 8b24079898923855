/**
 * How many of a run's files got a preview, read the way the grid reads it: `GET /api/files`
 * answers each file with a `previewUrl` once its checked preview is recorded. Each run is a new
 * user, so the user's files are the run's files. Polled from Node (the page's context's cookies,
 * outside any emulated link) after the last file is done, so a preview recorded later is seen too.
 */
import type { Page } from "@playwright/test";
import type { LibraryPage } from "../lib/contracts/library-schemas";
import type { FileItemJson } from "../lib/contracts/upload-schemas";
import { countCpu, formatCpuSplit, totalCpuSeconds } from "./process-cpu";
import { fmt } from "./stats";

/** How often the library is read while previews are still coming, and for how long at most. */
const POLL_MS = 500;
const MAX_WAIT_MS = 20_000;
/** Polling stops once no new preview has been seen for this long. */
const QUIET_MS = 6_000;

type Tally = { files: number; previews: number };
export type PreviewCount = {
  images: Tally;
  videos: Tally;
  /** From the last file done to the first read of the library, ms. */
  firstCheckMs: number;
  /** From the last file done to the read that first saw the last preview, ms; null if every preview was there at the first read. */
  lastPreviewMs: number | null;
  /** How long polling went on after the last file done, ms. */
  waitedMs: number;
  /** Previews first seen after the first read, and the CPU the run's processes spent from that read to the read that saw the last of them. */
  after: { previews: number; cpu: Record<string, number> };
};

async function listFiles(page: Page, appUrl: string): Promise<FileItemJson[]> {
  const files: FileItemJson[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const res = await page.request.get(`${appUrl}/api/files?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (!res.ok()) throw new Error(`GET /api/files answered ${res.status()}`);
    const body = (await res.json()) as LibraryPage;
    files.push(...body.files);
    cursor = body.nextCursor;
  }
  return files;
}

function tally(files: FileItemJson[]): Pick<PreviewCount, "images" | "videos"> {
  const of = (family: string): Tally => {
    const members = files.filter((file) => file.type.startsWith(family));
    return { files: members.length, previews: members.filter((file) => file.previewUrl !== null).length };
  };
  return { images: of("image/"), videos: of("video/") };
}

const total = (count: Pick<PreviewCount, "images" | "videos">) => count.images.previews + count.videos.previews;
const everyOne = (count: Pick<PreviewCount, "images" | "videos">) => total(count) === count.images.files + count.videos.files;

/** Reads the library until every file has its preview, none has come for QUIET_MS, or MAX_WAIT_MS passed. */
export async function countPreviews(page: Page, appUrl: string, lastDoneAt: number): Promise<PreviewCount> {
  const cpu = await countCpu(0, { descendantsOf: process.pid });
  let count = tally(await listFiles(page, appUrl));
  const first = total(count);
  const firstCheckMs = Date.now() - lastDoneAt;
  let lastPreviewMs: number | null = null;
  let quietSince = Date.now();
  let cpuToLast: Record<string, number> = {};
  while (!everyOne(count) && Date.now() - lastDoneAt < MAX_WAIT_MS && Date.now() - quietSince < QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const next = tally(await listFiles(page, appUrl));
    if (total(next) > total(count)) {
      quietSince = Date.now();
      lastPreviewMs = quietSince - lastDoneAt;
      cpuToLast = await cpu.stop();
    }
    count = next;
  }
  return { ...count, firstCheckMs, lastPreviewMs, waitedMs: Date.now() - lastDoneAt, after: { previews: total(count) - first, cpu: cpuToLast } };
}

/** Previews are on as shipped: the upload page always makes them for JPEG, PNG, GIF, MP4 and QuickTime; nothing turns them off. */
export const PREVIEW_SETTING = "previews on, as shipped (the upload page makes them, and below 4 cores only while no small file is being sent; no setting)";

export function printPreviews(count: PreviewCount, indent = "  "): void {
  const files = count.images.files + count.videos.files;
  const made = total(count);
  console.log(
    `${indent}previews made: ${made} of ${files} (${fmt((100 * made) / files, 0)} %; photos ${count.images.previews} of ${count.images.files}, videos ${count.videos.previews} of ${count.videos.files}); ${PREVIEW_SETTING}`,
  );
  const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
  const when =
    count.lastPreviewMs === null
      ? `no preview landed after the last file was done: all ${made} were recorded by the first read of GET /api/files, ${seconds(count.firstCheckMs)} after it`
      : `the last preview was first seen ${seconds(count.lastPreviewMs)} after the last file was done (GET /api/files read every ${POLL_MS} ms)`;
  const missing = files - made;
  const left = missing > 0 ? `; ${missing} still without one after ${seconds(count.waitedMs)} (no new preview for ${seconds(QUIET_MS)}, or ${seconds(MAX_WAIT_MS)} passed)` : "";
  console.log(`${indent}last file done -> last preview made: ${when}${left}`);
  if (count.after.previews > 0) {
    const all = totalCpuSeconds(count.after.cpu);
    const per = count.after.previews / 1000;
    console.log(
      `${indent}CPU per preview made after the last file (${count.after.previews}; from the first read to the read that saw the last, the reads included): ${formatCpuSplit(count.after.cpu, per, "ms")}; all the run's processes ${fmt(all / per)} ms`,
    );
  }
}
