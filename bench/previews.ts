/**
 * How many of a run's files got a preview, and when the last one was recorded. The library is read
 * the way the grid reads it (`GET /api/files` answers each file with a `previewUrl` once its
 * checked preview is recorded) after the last file is done and again at the end, from Node with
 * the page's cookies (outside any emulated link); in between, the run's database is read directly
 * (bench-db.ts), every POLL_MS, until every preview is recorded: a cheap count that takes no CPU
 * from the previews it waits for (reading the library every 500 ms signed a URL per file each time),
 * and the last preview's own `previewStoredAt` says when it was recorded, to the millisecond.
 */
import type { Page } from "@playwright/test";
import type { LibraryPage } from "../lib/contracts/library-schemas";
import type { FileItemJson } from "../lib/contracts/upload-schemas";
import { benchDatabase } from "./bench-db";
import { countCpu, formatCpuSplit, totalCpuSeconds } from "./process-cpu";
import { fmt } from "./stats";

/** How often the database is read while previews are still coming, and for how long at most. */
const POLL_MS = 100;
const MAX_WAIT_MS = 20_000;
/** Polling stops once no new preview has been recorded for this long. */
const QUIET_MS = 6_000;

type Tally = { files: number; previews: number };
export type PreviewCount = {
  /** What the library answered after the polling: the grid's view. */
  images: Tally;
  videos: Tally;
  /** From the last file done to the first read of the library, ms. */
  firstCheckMs: number;
  /** From the last file done to the last preview's `previewStoredAt`, ms; null if every preview recorded was there at the first read. */
  lastPreviewMs: number | null;
  /** How long polling went on after the last file done, ms. */
  waitedMs: number;
  /** Previews recorded after the first read, and the CPU the run's processes spent from that read to the poll that saw the last of them. */
  after: { previews: number; cpu: Record<string, number> };
};

/** Previews recorded among the file items `ids`, and when the last of them was (the database's clock, which is the machine's), epoch ms. */
async function recordedPreviews(ids: string[]): Promise<{ count: number; lastAt: number | null }> {
  const [row] = await benchDatabase()<Array<{ count: number; last: Date | null }>>`
    select count(preview_stored_at)::int as count, max(preview_stored_at) as last from file_items where id = any(${ids}::uuid[])`;
  return { count: row?.count ?? 0, lastAt: row?.last ? row.last.getTime() : null };
}

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

/** The families of files that get a preview. */
const PREVIEW_FAMILIES = ["image/", "video/"] as const;
const inFamily = (file: FileItemJson, family: string) => file.type.startsWith(family);

function tally(files: FileItemJson[]): Pick<PreviewCount, "images" | "videos"> {
  const of = (family: string): Tally => {
    const members = files.filter((file) => inFamily(file, family));
    return { files: members.length, previews: members.filter((file) => file.previewUrl !== null).length };
  };
  const [images, videos] = PREVIEW_FAMILIES.map(of);
  return { images: images!, videos: videos! };
}

const total = (count: Pick<PreviewCount, "images" | "videos">) => count.images.previews + count.videos.previews;

/** Reads the library, then the database until every file has its preview, none has come for QUIET_MS, or MAX_WAIT_MS passed; then the library again. */
export async function countPreviews(page: Page, appUrl: string, lastDoneAt: number): Promise<PreviewCount> {
  const cpu = await countCpu(0, { descendantsOf: process.pid });
  const listed = await listFiles(page, appUrl);
  const firstCheckMs = Date.now() - lastDoneAt;
  const first = tally(listed);
  const wanted = first.images.files + first.videos.files;
  const ids = listed.filter((file) => PREVIEW_FAMILIES.some((family) => inFamily(file, family))).map((file) => file.id);
  const atFirst = await recordedPreviews(ids);
  let seen = atFirst;
  let quietSince = Date.now();
  let cpuToLast: Record<string, number> = {};
  while (seen.count < wanted && Date.now() - lastDoneAt < MAX_WAIT_MS && Date.now() - quietSince < QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const next = await recordedPreviews(ids);
    if (next.count > seen.count) {
      quietSince = Date.now();
      cpuToLast = await cpu.stop();
    }
    seen = next;
  }
  const waitedMs = Date.now() - lastDoneAt;
  const shown = tally(await listFiles(page, appUrl));
  const lastPreviewMs = seen.count > atFirst.count && seen.lastAt !== null ? seen.lastAt - lastDoneAt : null;
  return { ...shown, firstCheckMs, lastPreviewMs, waitedMs, after: { previews: seen.count - atFirst.count, cpu: cpuToLast } };
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
      : `the last preview was recorded ${seconds(count.lastPreviewMs)} after the last file was done (its previewStoredAt; the database read every ${POLL_MS} ms)`;
  const missing = files - made;
  const left = missing > 0 ? `; ${missing} still without one after ${seconds(count.waitedMs)} (no new preview for ${seconds(QUIET_MS)}, or ${seconds(MAX_WAIT_MS)} passed)` : "";
  console.log(`${indent}last file done -> last preview made: ${when}${left}`);
  if (count.after.previews > 0) {
    const all = totalCpuSeconds(count.after.cpu);
    const per = count.after.previews / 1000;
    console.log(
      `${indent}CPU per preview made after the last file (${count.after.previews}; from the first read of the library to the poll that saw the last): ${formatCpuSplit(count.after.cpu, per, "ms")}; all the run's processes ${fmt(all / per)} ms`,
    );
  }
}
