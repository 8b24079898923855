/**
 * B1: one 1 GiB file through the upload page in Chromium versus @aws-sdk/lib-storage from Node,
 * against the same MinIO. Both send CRC32-checksummed parts of 16 MiB over 6 connections (the
 * page's defaults); lib-storage is also run with its own defaults (5 MiB parts, 4 at a time).
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Browser } from "@playwright/test";
import { readPartTimeline, signedInUploadPage, uploadThroughPage, type Measure } from "./browser";
import { countCpu, formatCpu, totalCpuSeconds } from "./process-cpu";
import { GIB, MIB } from "../lib/units";
import { best, fmt, median, megabytesPerSecond } from "./stats";

export const B1_FILE_BYTES = GIB;
const RUNS = 2;

type Series = { label: string; mbps: number[] };
export type ThroughputResult = { browser: Series; libStorage: Series[] };

/** An MP4 `ftyp` box (brand mp42): pure random bytes are sometimes sniffed as MP3 and rejected. */
const MP4_START = Buffer.from([0, 0, 0, 0x10, ...Buffer.from("ftypmp42"), 0, 0, 0, 0]);

/** An MP4 header, then random bytes written in 16 MiB chunks, so the file never sits in memory whole. */
export async function writeRandomFile(file: string, bytes: number): Promise<void> {
  const handle = await open(file, "w");
  try {
    await handle.write(MP4_START);
    for (let written = MP4_START.length; written < bytes; written += 16 * MIB) await handle.write(randomBytes(Math.min(16 * MIB, bytes - written)));
  } finally {
    await handle.close();
  }
}

/** One file through the upload page, from the input's change event to the row showing done. */
export async function pageUploadMbps(browser: Browser, appUrl: string, file: string, bytes: number): Promise<number> {
  const page = await signedInUploadPage(browser, appUrl, { trace: true });
  try {
    // Counted from here (not sign-in) to before the page closes (its renderer's time goes with it).
    const cpu = await countCpu(0.2);
    const run = await uploadThroughPage(page, [file], 10 * 60_000);
    printCpu("browser", await cpu.stop(), bytes);
    if (run.failures.length > 0) throw new Error(`the upload did not finish: ${run.failures[0]!.reason}`);
    const done = run.rows[path.basename(file)]?.done;
    if (done === undefined) throw new Error("the row never showed done");
    printPartTimeline(await readPartTimeline(page), run.addedAt, done);
    return megabytesPerSecond(bytes, done - run.addedAt);
  } finally {
    await page.context().close();
  }
}

/** Where the page's parts spent their time (the engine's `mp:*` tracer spans), ms. */
function printPartTimeline(measures: Measure[], addedAt: number, doneAt: number): void {
  const byKind = new Map<string, Measure[]>();
  for (const m of measures.filter((m) => m.name.startsWith("mp:"))) {
    const kind = m.name.split(":")[1]!;
    byKind.set(kind, [...(byKind.get(kind) ?? []), m]);
  }
  const line = (kind: string, list: Measure[]) => {
    const d = list.map((m) => m.duration);
    const sum = d.reduce((a, b) => a + b, 0);
    return `${kind} n=${d.length} median ${fmt(median(d), 1)} mean ${fmt(sum / d.length, 1)} max ${fmt(Math.max(...d), 1)} sum ${fmt(sum, 0)}`;
  };
  console.log(`[B1 timeline] wall ${fmt(doneAt - addedAt, 0)} ms; ${[...byKind].map(([k, l]) => line(k, l)).join("; ")}`);
  const signs = byKind.get("sign") ?? [];
  console.log(`[B1 timeline] sign batches (size@start+ms): ${signs.map((m) => `${m.name.split(":")[2]}@${fmt(m.start - addedAt, 0)}+${fmt(m.duration, 0)}`).join(" ")}`);
  const firstStarts = (kind: string) =>
    (byKind.get(kind) ?? [])
      .sort((a, b) => a.start - b.start)
      .slice(0, 8)
      .map((m) => `${m.name.split(":")[2]}@${fmt(m.start - addedAt, 0)}+${fmt(m.duration, 0)}`)
      .join(" ");
  console.log(`[B1 timeline] create: ${firstStarts("create")}; first hashes (part@start+ms): ${firstStarts("hash")}`);
  const puts = (byKind.get("put") ?? []).sort((a, b) => a.start - b.start);
  console.log(`[B1 timeline] first puts start at: ${puts.slice(0, 8).map((m) => `${m.name.split(":")[2]}@${fmt(m.start - addedAt, 0)}`).join(" ")}`);
}

export async function libStorageRun(client: S3Client, bucket: string, file: string, options: { partSize?: number; queueSize?: number }): Promise<number> {
  const started = performance.now();
  await new Upload({
    client,
    params: { Bucket: bucket, Key: `lib-storage/${randomBytes(6).toString("hex")}.mp4`, Body: createReadStream(file), ContentType: "video/mp4", ChecksumAlgorithm: "CRC32" },
    ...options,
  }).done();
  return megabytesPerSecond(B1_FILE_BYTES, performance.now() - started);
}

/**
 * The CPU each process spent on one upload, per GiB: on 2 shared cores the side that costs more
 * CPU per byte is the slower one, whatever its own code does with its time.
 */
function printCpu(label: string, used: Record<string, number>, bytes: number): void {
  const total = totalCpuSeconds(used);
  console.log(`[B1 cpu] ${label}: ${(total / (bytes / GIB)).toFixed(2)} CPU-s per GiB: ${formatCpu(used, bytes / GIB)}`);
}

export function benchS3Client(env: Record<string, string>): S3Client {
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! },
  });
}

export async function runThroughput(input: { browser: Browser; appUrl: string; file: string; env: Record<string, string> }): Promise<ThroughputResult> {
  const { env, file } = input;
  const client = benchS3Client(env);
  const browserSeries: Series = { label: "browser (upload page, 16 MiB x 6)", mbps: [] };
  const tuned: Series = { label: "lib-storage 16 MiB x 6", mbps: [] };
  const defaults: Series = { label: "lib-storage defaults (5 MiB x 4)", mbps: [] };
  // Interleaved, so a slow spell on the machine does not land on one side only.
  for (let i = 0; i < RUNS; i++) {
    browserSeries.mbps.push(await pageUploadMbps(input.browser, input.appUrl, file, B1_FILE_BYTES));
    const cpu = await countCpu(0.2);
    tuned.mbps.push(await libStorageRun(client, env.S3_BUCKET!, file, { partSize: 16 * MIB, queueSize: 6 }));
    printCpu("lib-storage", await cpu.stop(), B1_FILE_BYTES);
    defaults.mbps.push(await libStorageRun(client, env.S3_BUCKET!, file, {}));
    console.log(`[B1] run ${i + 1}: ${[browserSeries, tuned, defaults].map((s) => `${s.label} ${fmt(s.mbps[i]!)} MB/s`).join("; ")}`);
  }
  client.destroy();
  return { browser: browserSeries, libStorage: [tuned, defaults] };
}

export function printThroughput(result: ThroughputResult): void {
  console.log(`\nB1 throughput, one ${B1_FILE_BYTES / GIB} GiB file, ${RUNS} runs each (MB/s = 10^6 bytes/s)`);
  for (const s of [result.browser, ...result.libStorage]) {
    console.log(`  ${s.label.padEnd(36)} best ${fmt(best(s.mbps)).padStart(7)}  median ${fmt(median(s.mbps)).padStart(7)}`);
  }
  const bestLib = result.libStorage.reduce((a, b) => (best(b.mbps) > best(a.mbps) ? b : a));
  const ratio = (f: (v: number[]) => number) => fmt((100 * f(result.browser.mbps)) / f(bestLib.mbps), 0);
  console.log(`  browser / best lib-storage (${bestLib.label}): best ${ratio(best)}%, median ${ratio(median)}%  (target >= 95%)`);
}
