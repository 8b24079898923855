/**
 * B2: 1,000 files of 64 KiB through the upload page at a concurrency of 6: each is one form POST
 * to storage; the page creates and completes them in batches (/api/uploads/batch, …/batch/complete).
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, CDPSession, Page } from "@playwright/test";
import { readPartTimeline, setConcurrency, signedInUploadPage, uploadThroughPage, type Measure, type PageRun } from "./browser";
import { countCpu } from "./process-cpu";
import { fmt, median } from "./stats";

/** BENCH_SMALL_FILES=200 for a quicker run. */
const FILE_COUNT = Number(process.env.BENCH_SMALL_FILES ?? 1_000);
/** A JPEG start (SOI + APP0 marker): pure random bytes are sometimes sniffed as MP3 and rejected. */
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
const FILE_BYTES = 64 * 1024;
/** BENCH_SMALL_CONCURRENCY=10 to try another "files at once" setting. */
const CONCURRENCY = Number(process.env.BENCH_SMALL_CONCURRENCY ?? 6);

export type SmallFilesResult = {
  count: number;
  failures: PageRun["failures"];
  storageErrors: string[];
  filesPerSecond: number;
  /** Files seen uploading in the page, which the per-file times cover. */
  timedCount: number;
  medianMs: number;
  p90Ms: number;
  /** CPU seconds per process name during the run, to show which process the run waits on. */
  cpuSeconds: Record<string, number>;
  wallSeconds: number;
  /** With BENCH_B2_PROFILE=1: the page's own counters and where its main thread spent CPU. */
  profile?: PageProfile;
  /** The engine's `post:*` spans (client/tracer.ts), one of each per file: where a file's time goes. */
  timeline: Measure[];
};

/**
 * BENCH_B2_PROFILE=1 records a CDP CPU profile of the page (it slows the page a little); =trace
 * records a Chromium trace instead, for the renderer's native work (paint, IPC) a CPU profile
 * lumps into "(program)".
 */
const PROFILE = process.env.BENCH_B2_PROFILE === "1";
const TRACE = process.env.BENCH_B2_PROFILE === "trace";
const TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "blink", "cc", "v8", "loading", "disabled-by-default-devtools.timeline", "navigation", "net"];
const PAGE_METRICS = ["LayoutCount", "RecalcStyleCount", "LayoutDuration", "RecalcStyleDuration", "ScriptDuration", "TaskDuration"] as const;
type PageProfile = { metrics: Record<string, number>; selfMs: Array<{ name: string; ms: number }>; byScript: Array<{ name: string; ms: number }>; sampledMs: number };

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: Array<{ name: string; value: number }> };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

const biggestFirst = (totals: Map<string, number>) => [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);

/** Self time per function (with its script's file name) and per script, biggest first; idle time left out. */
function selfTimes(profile: CpuProfile): Pick<PageProfile, "selfMs" | "byScript" | "sampledMs"> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perFunction = new Map<string, number>();
  const perScript = new Map<string, number>();
  let sampledMs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") return;
    // Scripts the page did not load itself (Playwright's, the bench's watcher) have no URL.
    const file = frame.url.split("/").pop() || "(no url)";
    // Line and column: minified chunks are one line.
    const name = `${frame.functionName || "(anonymous)"} ${file}${frame.url ? `:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : ""}`;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    sampledMs += ms;
    perFunction.set(name, (perFunction.get(name) ?? 0) + ms);
    const script = frame.url ? file : frame.functionName.startsWith("(") ? frame.functionName : "(no url)";
    perScript.set(script, (perScript.get(script) ?? 0) + ms);
  });
  return { selfMs: biggestFirst(perFunction), byScript: biggestFirst(perScript), sampledMs };
}

type TraceEvent = { ph: string; name: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } };

/** Self time by trace event name on each renderer main thread (CrRendererMain), biggest first. */
function traceSelfTimes(events: TraceEvent[]): PageProfile["selfMs"] {
  const mains = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const totals = new Map<string, number>();
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== "X" || e.dur === undefined || !mains.has(thread)) continue;
    const list = byThread.get(thread) ?? [];
    list.push(e);
    byThread.set(thread, list);
  }
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: Array<{ name: string; end: number; self: number }> = [];
    const close = (until: number) => {
      while (stack.length > 0 && stack[stack.length - 1]!.end <= until) {
        const done = stack.pop()!;
        totals.set(done.name, (totals.get(done.name) ?? 0) + done.self / 1000);
      }
    };
    for (const e of list) {
      close(e.ts);
      const parent = stack[stack.length - 1];
      if (parent) parent.self -= e.dur!;
      stack.push({ name: e.name, end: e.ts + e.dur!, self: e.dur! });
    }
    close(Number.POSITIVE_INFINITY);
  }
  return biggestFirst(totals);
}

async function startTrace(page: Page): Promise<() => Promise<PageProfile>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const before = await pageMetrics(cdp);
  await cdp.send("Tracing.start", { transferMode: "ReturnAsStream", traceConfig: { includedCategories: TRACE_CATEGORIES } });
  return async () => {
    const complete = new Promise<string>((resolve) => cdp.once("Tracing.tracingComplete", (event) => resolve(event.stream!)));
    await cdp.send("Tracing.end");
    const stream = await complete;
    let text = "";
    for (;;) {
      const chunk = await cdp.send("IO.read", { handle: stream, size: 1 << 20 });
      text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString() : chunk.data;
      if (chunk.eof) break;
    }
    await cdp.send("IO.close", { handle: stream });
    const after = await pageMetrics(cdp);
    const metrics = Object.fromEntries(PAGE_METRICS.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]));
    await cdp.detach();
    const parsed = JSON.parse(text) as { traceEvents: TraceEvent[] } | TraceEvent[];
    const selfMs = traceSelfTimes(Array.isArray(parsed) ? parsed : parsed.traceEvents);
    return { metrics, selfMs, byScript: [], sampledMs: selfMs.reduce((sum, { ms }) => sum + ms, 0) };
  };
}

async function startProfile(page: Page): Promise<() => Promise<PageProfile>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  const before = await pageMetrics(cdp);
  await cdp.send("Profiler.start");
  return async () => {
    const { profile } = (await cdp.send("Profiler.stop")) as { profile: CpuProfile };
    const after = await pageMetrics(cdp);
    const metrics = Object.fromEntries(PAGE_METRICS.map((name) => [name, (after[name] ?? 0) - (before[name] ?? 0)]));
    await cdp.detach();
    return { metrics, ...selfTimes(profile) };
  };
}

export async function runSmallFiles(browser: Browser, appUrl: string, dir: string): Promise<SmallFilesResult> {
  await mkdir(dir, { recursive: true });
  const paths = Array.from({ length: FILE_COUNT }, (_, i) => path.join(dir, `small-${String(i).padStart(4, "0")}.jpg`));
  await Promise.all(paths.map((file) => writeFile(file, Buffer.concat([JPEG_START, randomBytes(FILE_BYTES - JPEG_START.length)]))));
  // Traced like B1: the page records each file's steps (a few User Timing entries per file).
  const page = await signedInUploadPage(browser, appUrl, { trace: true });
  try {
    await setConcurrency(page, CONCURRENCY);
    // Storage's own error text (the page shows only its code), to explain any file that fails.
    const storageErrors: string[] = [];
    page.on("response", (res) => {
      if (res.status() >= 400 && !res.url().startsWith(appUrl)) {
        void res.text().then((body) => storageErrors.push(`${res.status()} ${body.slice(0, 400)}`), () => storageErrors.push(`${res.status()}`));
      }
    });
    const stopProfile = PROFILE ? await startProfile(page) : TRACE ? await startTrace(page) : null;
    const cpu = await countCpu();
    const started = performance.now();
    const run = await uploadThroughPage(page, paths, 5 * 60_000);
    const profile = await stopProfile?.();
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuSeconds = await cpu.stop();
    const rows = Object.values(run.rows).filter((t) => t.done !== undefined);
    // The page renders the queue every 100 ms, so a quick file can go from waiting to verifying or
    // done between two renders; it has no "uploading" time and is left out of the per-file times.
    const perFile = rows.filter((t) => t.uploading !== undefined).map((t) => t.done! - t.uploading!).sort((a, b) => a - b);
    const lastDone = Math.max(...rows.map((t) => t.done!));
    return {
      count: rows.length,
      failures: run.failures,
      storageErrors,
      filesPerSecond: rows.length / ((lastDone - run.addedAt) / 1000),
      timedCount: perFile.length,
      medianMs: median(perFile),
      p90Ms: perFile[Math.floor(perFile.length * 0.9)]!,
      cpuSeconds,
      wallSeconds,
      profile,
      timeline: await readPartTimeline(page),
    };
  } finally {
    await page.context().close();
  }
}

export function printSmallFiles(result: SmallFilesResult): void {
  console.log(`\nB2 many small files: ${result.count} x ${FILE_BYTES / 1024} KiB through the upload page, concurrency ${CONCURRENCY}`);
  console.log(`  ${result.count} done: ${fmt(result.filesPerSecond)} files/s; time per file (uploading -> done, ${result.timedCount} seen uploading) median ${fmt(result.medianMs, 0)} ms, p90 ${fmt(result.p90Ms, 0)} ms`);
  for (const failure of result.failures) console.log(`  NOT DONE ${failure.name}: ${failure.reason}`);
  for (const error of result.storageErrors.slice(0, 5)) console.log(`  storage answered ${error}`);
  // Machine-wide, by process name: other work on the machine shows up here too.
  const cpu = Object.entries(result.cpuSeconds).sort((a, b) => b[1] - a[1]);
  const total = cpu.reduce((sum, [, seconds]) => sum + seconds, 0);
  console.log(`  CPU during the run (${fmt(result.wallSeconds)} s wall, ${fmt(total)} CPU-s in all, ${fmt(total / result.wallSeconds)} cores busy):`);
  for (const [name, seconds] of cpu) console.log(`    ${name.padEnd(16)} ${fmt(seconds)} CPU-s  ${fmt((seconds * 1000) / result.count)} ms per file`);
  printFileTimeline(result.timeline);
  if (result.profile) printProfile(result.profile, result.count);
}

/**
 * Where a small file's time goes, step by step: its record (made ahead, or its own create), the
 * wait for a storage connection, the form POST, and the complete (coalesced into batches).
 */
function printFileTimeline(measures: Measure[]): void {
  const steps = ["post:record", "post:slot", "post:send", "post:complete"];
  console.log(`  per-file steps (the page's tracer, ms; median / p90 / mean):`);
  for (const step of steps) {
    const durations = measures.filter((m) => m.name === step).map((m) => m.duration).sort((a, b) => a - b);
    if (durations.length === 0) continue;
    const mean = durations.reduce((sum, d) => sum + d, 0) / durations.length;
    const p90 = durations[Math.floor(durations.length * 0.9)]!;
    console.log(`    ${step.padEnd(14)} n=${durations.length}  ${fmt(median(durations), 1)} / ${fmt(p90, 1)} / ${fmt(mean, 1)}`);
  }
}

function printProfile({ metrics, selfMs, byScript, sampledMs }: PageProfile, count: number): void {
  console.log(`  page counters per file (Performance.getMetrics; durations in ms):`);
  for (const [name, value] of Object.entries(metrics)) {
    const perFile = name.endsWith("Duration") ? (value * 1000) / count : value / count;
    console.log(`    ${name.padEnd(20)} ${fmt(perFile, 2)}`);
  }
  console.log(`  page main thread, self time per file (CPU profile, ${fmt(sampledMs / count, 2)} ms sampled per file):`);
  for (const { name, ms } of byScript.slice(0, 10)) console.log(`    ${fmt(ms / count, 3).padStart(7)} ms  ${name}`);
  console.log(`  by function:`);
  for (const { name, ms } of selfMs.slice(0, 30)) console.log(`    ${fmt(ms / count, 3).padStart(7)} ms  ${name}`);
}
