/**
 * B2's optional look inside the page (BENCH_B2_PROFILE): a CDP CPU profile of its main thread, or
 * a Chromium trace for the renderer's native work (paint, IPC) a CPU profile lumps into
 * "(program)", with the page's own counters, printed per file.
 */
import type { CDPSession, Page } from "@playwright/test";
import { fmt } from "./stats";

/** BENCH_B2_PROFILE=1: a CPU profile (it slows the page a little); =trace: a Chromium trace. */
const MODE = process.env.BENCH_B2_PROFILE;
const TRACE_CATEGORIES = ["toplevel", "devtools.timeline", "blink", "cc", "v8", "loading", "disabled-by-default-devtools.timeline", "navigation", "net"];
const PAGE_METRICS = ["LayoutCount", "RecalcStyleCount", "LayoutDuration", "RecalcStyleDuration", "ScriptDuration", "TaskDuration"] as const;
export type PageProfile = { metrics: Record<string, number>; selfMs: Array<{ name: string; ms: number }>; byScript: Array<{ name: string; ms: number }>; sampledMs: number };

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

/** Starts what BENCH_B2_PROFILE asks for; the returned function stops it and gives the figures. */
export async function startPageProfile(page: Page): Promise<(() => Promise<PageProfile>) | null> {
  if (MODE === "1") return startProfile(page);
  if (MODE === "trace") return startTrace(page);
  return null;
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

export function printProfile({ metrics, selfMs, byScript, sampledMs }: PageProfile, count: number): void {
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
