/**
 * B2: 1,000 files of 64 KiB through the upload page at a concurrency of 6: each is one
 * POST /api/uploads, one form POST to storage and one complete call.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "@playwright/test";
import { setConcurrency, signedInUploadPage, uploadThroughPage, type PageRun } from "./browser";
import { fmt, median } from "./stats";

/** BENCH_SMALL_FILES=200 for a quicker run. */
const FILE_COUNT = Number(process.env.BENCH_SMALL_FILES ?? 1_000);
/** A JPEG start (SOI + APP0 marker): pure random bytes are sometimes sniffed as MP3 and rejected. */
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
const FILE_BYTES = 64 * 1024;
/** BENCH_SMALL_CONCURRENCY=10 to try another "files at once" setting. */
const CONCURRENCY = Number(process.env.BENCH_SMALL_CONCURRENCY ?? 6);
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export type SmallFilesResult = {
  count: number;
  failures: PageRun["failures"];
  storageErrors: string[];
  filesPerSecond: number;
  medianMs: number;
  p90Ms: number;
  /** CPU seconds per process name during the run, to show which process the run waits on. */
  cpuSeconds: Record<string, number>;
  wallSeconds: number;
};

/** CPU ticks (user + system) so far per process name, over every process on the machine. */
async function cpuTicksByName(): Promise<Map<string, number>> {
  const ticks = new Map<string, number>();
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    // "pid (comm) state ppid ..." where comm may hold spaces; utime and stime are fields 14 and 15.
    const match = /^\d+ \((.*)\) (.*)$/s.exec(stat);
    if (!match) continue;
    const fields = match[2]!.split(" ");
    let name = match[1]!.replace(/ \(v[\d.]*$/, "");
    if (name.startsWith("chrom")) {
      // Which Chromium process: the renderer runs the page, the utility one is the network service.
      const type = /--type=([\w-]+)/.exec(await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""))?.[1];
      name = `chromium ${type ?? "browser"}`;
    }
    ticks.set(name, (ticks.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

export async function runSmallFiles(browser: Browser, appUrl: string, dir: string): Promise<SmallFilesResult> {
  await mkdir(dir, { recursive: true });
  const paths = Array.from({ length: FILE_COUNT }, (_, i) => path.join(dir, `small-${String(i).padStart(4, "0")}.jpg`));
  await Promise.all(paths.map((file) => writeFile(file, Buffer.concat([JPEG_START, randomBytes(FILE_BYTES - JPEG_START.length)]))));
  const page = await signedInUploadPage(browser, appUrl);
  try {
    await setConcurrency(page, CONCURRENCY);
    // Storage's own error text (the page shows only its code), to explain any file that fails.
    const storageErrors: string[] = [];
    page.on("response", (res) => {
      if (res.status() >= 400 && !res.url().startsWith(appUrl)) {
        void res.text().then((body) => storageErrors.push(`${res.status()} ${body.slice(0, 400)}`), () => storageErrors.push(`${res.status()}`));
      }
    });
    const cpuBefore = await cpuTicksByName();
    const started = performance.now();
    const run = await uploadThroughPage(page, paths, 5 * 60_000);
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuSeconds: Record<string, number> = {};
    for (const [name, ticks] of await cpuTicksByName()) {
      const used = (ticks - (cpuBefore.get(name) ?? 0)) / TICKS_PER_SECOND;
      if (used >= 0.5) cpuSeconds[name] = used;
    }
    const rows = Object.values(run.rows).filter((t) => t.done !== undefined);
    const perFile = rows.map((t) => t.done! - t.uploading!).sort((a, b) => a - b);
    const lastDone = Math.max(...rows.map((t) => t.done!));
    return {
      count: rows.length,
      failures: run.failures,
      storageErrors,
      filesPerSecond: rows.length / ((lastDone - run.addedAt) / 1000),
      medianMs: median(perFile),
      p90Ms: perFile[Math.floor(perFile.length * 0.9)]!,
      cpuSeconds,
      wallSeconds,
    };
  } finally {
    await page.context().close();
  }
}

export function printSmallFiles(result: SmallFilesResult): void {
  console.log(`\nB2 many small files: ${result.count} x ${FILE_BYTES / 1024} KiB through the upload page, concurrency ${CONCURRENCY}`);
  console.log(`  ${result.count} done: ${fmt(result.filesPerSecond)} files/s; time per file (uploading -> done) median ${fmt(result.medianMs, 0)} ms, p90 ${fmt(result.p90Ms, 0)} ms`);
  for (const failure of result.failures) console.log(`  NOT DONE ${failure.name}: ${failure.reason}`);
  for (const error of result.storageErrors.slice(0, 5)) console.log(`  storage answered ${error}`);
  // Machine-wide, by process name: other work on the machine shows up here too.
  const cpu = Object.entries(result.cpuSeconds).sort((a, b) => b[1] - a[1]);
  const total = cpu.reduce((sum, [, seconds]) => sum + seconds, 0);
  console.log(`  CPU during the run (${fmt(result.wallSeconds)} s wall, ${fmt(total)} CPU-s in all, ${fmt(total / result.wallSeconds)} cores busy):`);
  for (const [name, seconds] of cpu) console.log(`    ${name.padEnd(16)} ${fmt(seconds)} CPU-s  ${fmt((seconds * 1000) / result.count)} ms per file`);
}
