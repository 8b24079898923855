/**
 * The upload tab's memory while it works, read the same way by B2's real-media row and B4: the
 * PSS of the tab's renderer process and the JS heap of the page and of its Workers. Chromium runs
 * a page's dedicated Workers (the preview decoders, the hashing worker) as threads of the page's
 * renderer process, named "DedicatedWorker", so their native memory (decoded pictures, canvases)
 * is in that PSS; their JS heaps are V8 isolates of their own, which the page's heap figure
 * (Runtime.getHeapUsage, Performance.getMetrics alike) leaves out, so each Worker's is read through
 * its own CDP target.
 */
import { readdir, readFile } from "node:fs/promises";
import type { Browser, CDPSession, Page } from "@playwright/test";
import { proportionalBytes, sampleEvery } from "./process-memory";

export type TabSample = {
  /** ms since sampling began. */
  at: number;
  /** PSS of the tab's renderer process, bytes. */
  pss: number;
  /** JS heap used by the page and its Workers, bytes. */
  jsHeap: number;
  /** The page's Workers (CDP targets), and how many "DedicatedWorker" threads the sampled renderer has. */
  workers: number;
  workerThreads: number;
};

/** How long a busy Worker may take to answer for its heap before its last figure stands in. */
const WORKER_ANSWER_MS = 1_000;

type HeapUsage = { usedSize: number };

/**
 * The tab's renderer process: CDP gives renderer pids but not which page each serves; the working
 * tab is the one that has used the most CPU (the others are Chromium's idle spare renderer, and
 * those of pages already closed, which exit). The Worker threads counted in it confirm the choice.
 */
async function tabRendererPid(browserCdp: CDPSession): Promise<number | null> {
  const { processInfo } = (await browserCdp.send("SystemInfo.getProcessInfo")) as { processInfo: Array<{ type: string; id: number; cpuTime: number }> };
  return processInfo.filter((p) => p.type === "renderer").sort((a, b) => b.cpuTime - a.cpuTime)[0]?.id ?? null;
}

/** Threads of `pid` named "DedicatedWorker" (/proc shows the first 15 characters of a thread's name). */
async function workerThreads(pid: number): Promise<number> {
  try {
    const names = await Promise.all((await readdir(`/proc/${pid}/task`)).map((task) => readFile(`/proc/${pid}/task/${task}/comm`, "utf8").catch(() => "")));
    return names.filter((name) => name.startsWith("DedicatedWorker")).length;
  } catch {
    return 0;
  }
}

/**
 * Attaches to the page's Workers as they start (auto-attach, not flattened: Playwright's CDP
 * session speaks only for its own target, so each Worker is asked through sendMessageToTarget).
 */
async function watchWorkerHeaps(cdp: CDPSession): Promise<() => Promise<{ workers: number; bytes: number }>> {
  const lastBytes = new Map<string, number>();
  const answers = new Map<number, (usage: HeapUsage | null) => void>();
  let nextId = 1;
  cdp.on("Target.attachedToTarget", ({ sessionId, targetInfo }) => {
    if (targetInfo.type === "worker") lastBytes.set(sessionId, 0);
  });
  cdp.on("Target.detachedFromTarget", ({ sessionId }) => {
    if (sessionId) lastBytes.delete(sessionId);
  });
  cdp.on("Target.receivedMessageFromTarget", ({ message }) => {
    const answer = JSON.parse(message) as { id?: number; result?: HeapUsage };
    if (answer.id !== undefined) answers.get(answer.id)?.(answer.result ?? null);
  });
  await cdp.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const ask = async (sessionId: string) => {
    const id = nextId++;
    const answered = new Promise<HeapUsage | null>((resolve) => {
      answers.set(id, resolve);
      setTimeout(() => resolve(null), WORKER_ANSWER_MS);
    });
    await cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method: "Runtime.getHeapUsage" }) }).catch(() => undefined);
    const usage = await answered;
    answers.delete(id);
    if (usage && lastBytes.has(sessionId)) lastBytes.set(sessionId, usage.usedSize);
  };
  return async () => {
    await Promise.all([...lastBytes.keys()].map(ask));
    return { workers: lastBytes.size, bytes: [...lastBytes.values()].reduce((sum, bytes) => sum + bytes, 0) };
  };
}

export type TabReader = { read: () => Promise<Omit<TabSample, "at">>; close: () => Promise<void> };

/** Reads the tab's memory when asked (B4 reads it beside the server's); `close` detaches. */
export async function tabReader(browser: Browser, page: Page): Promise<TabReader> {
  const cdp = await page.context().newCDPSession(page);
  const browserCdp = await browser.newBrowserCDPSession();
  const workerHeaps = await watchWorkerHeaps(cdp);
  return {
    read: async () => {
      const pid = await tabRendererPid(browserCdp);
      const [pss, threads, pageHeap, workers] = await Promise.all([
        pid === null ? null : proportionalBytes(pid),
        pid === null ? 0 : workerThreads(pid),
        cdp.send("Runtime.getHeapUsage") as Promise<HeapUsage>,
        workerHeaps(),
      ]);
      return { pss: pss ?? Number.NaN, jsHeap: pageHeap.usedSize + workers.bytes, workers: workers.workers, workerThreads: threads };
    },
    close: async () => {
      await Promise.all([cdp.detach(), browserCdp.detach()]).catch(() => undefined);
    },
  };
}

/** Samples the tab every `intervalMs` until stopped; the first sample is taken at once. */
export async function sampleTab(browser: Browser, page: Page, intervalMs: number): Promise<{ stop: () => Promise<TabSample[]> }> {
  const reader = await tabReader(browser, page);
  const started = performance.now();
  const sampler = sampleEvery(intervalMs, async (): Promise<TabSample> => ({ ...(await reader.read()), at: performance.now() - started }));
  return {
    stop: async () => {
      const samples = await sampler.stop();
      await reader.close();
      return samples;
    },
  };
}

export type TabMemory = {
  samples: number;
  spanMs: number;
  /** PSS at the first sample: the page as loaded, before the work. */
  pssFirst: number;
  pssMax: number;
  /** When the PSS max was read, ms since sampling began. */
  pssMaxAt: number;
  jsHeapMax: number;
  workersMax: number;
  /** Samples in which the sampled renderer had fewer Worker threads than the page had Workers: it was not the tab's. */
  misattributed: number;
};

/** The largest finite value; NaN if there is none (a sample whose process had gone). */
const maxOf = (values: number[]) => {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? Math.max(...finite) : Number.NaN;
};

export function summarizeTab(samples: TabSample[]): TabMemory {
  const pssMax = maxOf(samples.map((s) => s.pss));
  return {
    samples: samples.length,
    spanMs: samples.at(-1)?.at ?? 0,
    pssFirst: samples[0]?.pss ?? Number.NaN,
    pssMax,
    pssMaxAt: samples.find((s) => s.pss === pssMax)?.at ?? Number.NaN,
    jsHeapMax: maxOf(samples.map((s) => s.jsHeap)),
    workersMax: samples.reduce((max, s) => Math.max(max, s.workers), 0),
    misattributed: samples.filter((s) => s.workerThreads < s.workers).length,
  };
}
