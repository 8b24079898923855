/**
 * One set of files through the upload page, measured the same way for B2 and B5: files/s and time
 * per file from the page's own row statuses, CPU per process over the run, the engine's per-file
 * steps, and every 429 the page was answered with.
 */
import { randomBytes } from "node:crypto";
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { readPartTimeline, uploadThroughPage, type Measure, type PageRun } from "./browser";
import { countCpu, formatCpuSplit, totalCpuSeconds } from "./process-cpu";
import { fmt, median } from "./stats";
import { DEFAULT_CONCURRENCY } from "../client/queue/upload-queue";

/** A JPEG start (SOI + APP0 marker): pure random bytes are sometimes sniffed as MP3 and rejected. */
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

export type FileBatchRun = {
  count: number;
  /** Bytes of the files that finished (the files' own sizes, without form or HTTP overhead). */
  bytes: number;
  failures: PageRun["failures"];
  storageErrors: string[];
  /**
   * Uploads to storage (form POSTs and part PUTs, previews' too) by host: the bucket's browser
   * host names in use (S3_PUBLIC_ENDPOINT, by default 127.0.0.1 and localhost here) and how evenly.
   */
  storageHosts: Record<string, number>;
  /** 429 answers the page received, by request (`POST /api/uploads/batch`, ...). */
  tooManyRequests: Record<string, number>;
  /** When the files were added (the page's performance.now()), and from then to the last row done. */
  addedAt: number;
  spanMs: number;
  /** When the last row was done, epoch ms (the page's clock, which is the machine's). */
  lastDoneAt: number;
  filesPerSecond: number;
  /** Files seen uploading in the page, which the per-file times cover. */
  timedCount: number;
  medianMs: number;
  p90Ms: number;
  /** CPU seconds of this bench's own processes (its Chromium, `next start`, MinIO), by name. */
  cpuOwn: Record<string, number>;
  /** CPU seconds of every process on the machine, by name: Postgres, and whoever else is busy. */
  cpuMachine: Record<string, number>;
  wallSeconds: number;
  /** The engine's `post:*` spans (client/tracer.ts), when the page was opened with `trace`. */
  timeline: Measure[];
};

/** `count` files of `bytes` each, random after a JPEG start, named so they sort in order. */
export async function writeSmallFiles(dir: string, count: number, bytes: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths = Array.from({ length: count }, (_, i) => path.join(dir, `small-${String(i).padStart(4, "0")}.jpg`));
  await Promise.all(paths.map((file) => writeFile(file, Buffer.concat([JPEG_START, randomBytes(bytes - JPEG_START.length)]))));
  return paths;
}

/** `POST /api/uploads/{id}/parts` rather than one line per upload id. */
function requestLabel(method: string, url: string): string {
  return `${method} ${new URL(url).pathname.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}")}`;
}

/**
 * Answers the page gets, watched from outside it: the page waits out a 429's Retry-After and asks
 * again, so a rate limit would only show as a slowdown; this counts them. Storage's own error
 * text too (the page shows only its code), to explain any file that fails.
 */
function watchResponses(page: Page, appUrl: string): Pick<FileBatchRun, "storageErrors" | "tooManyRequests" | "storageHosts"> {
  const seen: Pick<FileBatchRun, "storageErrors" | "tooManyRequests" | "storageHosts"> = { storageErrors: [], tooManyRequests: {}, storageHosts: {} };
  const appOrigin = new URL(appUrl).origin;
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin === appOrigin || (req.method() !== "POST" && req.method() !== "PUT")) return;
    seen.storageHosts[url.host] = (seen.storageHosts[url.host] ?? 0) + 1;
  });
  page.on("response", (res) => {
    if (res.status() === 429) {
      const label = requestLabel(res.request().method(), res.url());
      seen.tooManyRequests[label] = (seen.tooManyRequests[label] ?? 0) + 1;
    }
    if (res.status() >= 400 && !res.url().startsWith(appUrl)) {
      void res.text().then((body) => seen.storageErrors.push(`${res.status()} ${body.slice(0, 400)}`), () => seen.storageErrors.push(`${res.status()}`));
    }
  });
  return seen;
}

/**
 * Adds the files to the page and waits for every row to finish. CPU is counted from just before
 * the files are added to before the page closes (its renderer's time goes with it).
 */
export async function measureFileBatch(page: Page, appUrl: string, paths: string[], timeoutMs: number): Promise<FileBatchRun> {
  // Rows are named by the file's name; the files of one run have distinct names.
  const sizes = new Map(await Promise.all(paths.map(async (file) => [path.basename(file), (await stat(file)).size] as const)));
  const seen = watchResponses(page, appUrl);
  const cpuOwn = await countCpu(0, { descendantsOf: process.pid });
  const cpuMachine = await countCpu(0);
  const started = performance.now();
  const run = await uploadThroughPage(page, paths, timeoutMs);
  const wallSeconds = (performance.now() - started) / 1000;
  const [own, machine] = [await cpuOwn.stop(), await cpuMachine.stop()];
  const doneNames = Object.keys(run.rows).filter((name) => run.rows[name]!.done !== undefined);
  const rows = doneNames.map((name) => run.rows[name]!);
  // The page renders the queue every 100 ms, so a quick file can go from waiting to verifying or
  // done between two renders; it has no "uploading" time and is left out of the per-file times.
  const perFile = rows.filter((t) => t.uploading !== undefined).map((t) => t.done! - t.uploading!).sort((a, b) => a - b);
  const lastDone = Math.max(...rows.map((t) => t.done!));
  const spanMs = lastDone - run.addedAt;
  const timeOrigin = await page.evaluate(() => performance.timeOrigin);
  return {
    count: rows.length,
    bytes: doneNames.reduce((sum, name) => sum + (sizes.get(name) ?? 0), 0),
    failures: run.failures,
    ...seen,
    addedAt: run.addedAt,
    spanMs,
    lastDoneAt: timeOrigin + lastDone,
    filesPerSecond: rows.length / (spanMs / 1000),
    timedCount: perFile.length,
    medianMs: median(perFile),
    p90Ms: perFile[Math.floor(perFile.length * 0.9)] ?? Number.NaN,
    cpuOwn: own,
    cpuMachine: machine,
    wallSeconds,
    timeline: await readPartTimeline(page),
  };
}

/** Files/s (with its target, if any) and the time per file. */
export function printFilesPerSecond(run: FileBatchRun, target?: string, indent = "  "): void {
  console.log(
    `${indent}${run.count} done: ${fmt(run.filesPerSecond)} files/s${target ? `  (target ${target})` : ""}; time per file (uploading -> done, ${run.timedCount} seen uploading) median ${fmt(run.medianMs, 0)} ms, p90 ${fmt(run.p90Ms, 0)} ms`,
  );
}

/** The storage host names the page uploaded to, with how many requests each took. */
export function printStorageHosts(run: FileBatchRun, indent = "  "): void {
  const hosts = Object.entries(run.storageHosts).sort(([a], [b]) => a.localeCompare(b));
  console.log(`${indent}upload hosts (storage POST/PUT requests): ${hosts.map(([host, n]) => `${host} ${n}`).join(", ") || "none"}`);
}

/** Files not done, storage's error text, and the 429s the page was answered with (0 is a figure too). */
export function printProblems(run: FileBatchRun, indent = "  "): void {
  for (const failure of run.failures) console.log(`${indent}NOT DONE ${failure.name}: ${failure.reason}`);
  for (const error of run.storageErrors.slice(0, 5)) console.log(`${indent}storage answered ${error}`);
  const limited = Object.entries(run.tooManyRequests);
  const total = limited.reduce((sum, [, n]) => sum + n, 0);
  console.log(`${indent}429 answers seen by the page: ${total}${limited.length > 0 ? ` (${limited.map(([label, n]) => `${label} ${n}`).join(", ")})` : ""}`);
}

/** Processes that are neither the app, MinIO, Chromium nor Postgres (the bench's own Node, the kernel's threads), the 3 busiest: where the machine-wide figure goes beyond the split above. */
function otherProcesses(machine: Record<string, number>, shown: (seconds: number) => string): string {
  const others = Object.entries(machine)
    .filter(([name]) => !["next-server", "minio", "postgres"].includes(name) && !name.startsWith("chromium"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return others.map(([name, seconds]) => `${name} ${shown(seconds)}`).join(", ") || "none";
}

/**
 * CPU per file (`per`: the file count, shown in ms) or for one big file (`per` 1, in CPU-s): the
 * server and browser sides from the bench's own processes, then Postgres and the machine as a
 * whole, which other work on the machine shares.
 */
export function printBatchCpu(run: FileBatchRun, per: number, label: string, unit: "ms" | "CPU-s", indent = "  "): void {
  const scale = unit === "ms" ? 1000 : 1;
  console.log(`${indent}CPU ${label}: ${formatCpuSplit(run.cpuOwn, per / scale, unit)}`);
  const machine = totalCpuSeconds(run.cpuMachine);
  const postgres = run.cpuMachine.postgres ?? 0;
  const shown = (seconds: number) => `${fmt((seconds * scale) / per, 2)} ${unit}`;
  console.log(`${indent}machine-wide: postgres ${shown(postgres)}; all processes ${shown(machine)} (${fmt(run.wallSeconds)} s wall, ${fmt(machine / run.wallSeconds)} cores busy); the most of the rest: ${otherProcesses(run.cpuMachine, shown)}`);
}

/**
 * Where a small file's time goes, step by step: its file item (made ahead, or its own create), the
 * wait for a storage connection, the form POST, and the complete (coalesced into batches); then the
 * run's two ends, which a link-bound run loses to something other than sending: from the files'
 * adding to the first form sent (settings, hashes, the first create), and from the last form's
 * answer to the last file done (its complete).
 */
export function printFileTimeline({ timeline, addedAt, spanMs }: Pick<FileBatchRun, "timeline" | "addedAt" | "spanMs">, indent = "  "): void {
  const steps = ["post:record", "post:slot", "post:send", "post:complete"];
  console.log(`${indent}per-file steps (the page's tracer, ms; median / p90 / mean):`);
  for (const step of steps) {
    const durations = timeline.filter((m) => m.name === step).map((m) => m.duration).sort((a, b) => a - b);
    if (durations.length === 0) continue;
    const mean = durations.reduce((sum, d) => sum + d, 0) / durations.length;
    const p90 = durations[Math.floor(durations.length * 0.9)]!;
    console.log(`${indent}  ${step.padEnd(14)} n=${durations.length}  ${fmt(median(durations), 1)} / ${fmt(p90, 1)} / ${fmt(mean, 1)}`);
  }
  const sends = timeline.filter((m) => m.name === "post:send");
  if (sends.length === 0) return;
  const firstSend = Math.min(...sends.map((m) => m.start)) - addedAt;
  const lastAnswer = Math.max(...sends.map((m) => m.start + m.duration)) - addedAt;
  console.log(`${indent}  ends: the first form went ${fmt(firstSend, 0)} ms after the files were added; the last form's answer came ${fmt(spanMs - lastAnswer, 0)} ms before the last file was done`);
  const hashes = timeline.filter((m) => m.name === "hash");
  if (hashes.length === 0) return;
  const hashEnds = hashes.map((m) => m.start + m.duration - addedAt).sort((a, b) => a - b);
  const firstHash = Math.min(...hashes.map((m) => m.start)) - addedAt;
  // The files of a first batch at the shipped concurrency.
  const nth = Math.min(DEFAULT_CONCURRENCY, hashEnds.length);
  console.log(`${indent}  hashes before the creates: the first began ${fmt(firstHash, 0)} ms after the files were added; the first ended at ${fmt(hashEnds[0]!, 0)} ms, the first ${nth} by ${fmt(hashEnds[nth - 1]!, 0)} ms`);
  const rendersBefore = timeline.filter((m) => m.name === "render" && m.start - addedAt < firstSend);
  if (rendersBefore.length > 0) {
    const list = rendersBefore.map((m) => `${fmt(m.duration, 0)} ms at ${fmt(m.start - addedAt, 0)}`).join(", ");
    console.log(`${indent}  the queue's renders before the first form (React's render and commit): ${list}`);
  }
}
