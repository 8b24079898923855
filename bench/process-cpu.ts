/** CPU time per process name, read from /proc (Linux only). */
import { readdir, readFile } from "node:fs/promises";

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

type ProcessTicks = { name: string; ppid: number; ticks: number };

/** CPU ticks (user + system) so far of every process on the machine, by pid. */
async function cpuTicksByPid(): Promise<Map<number, ProcessTicks>> {
  const processes = new Map<number, ProcessTicks>();
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
    processes.set(Number(pid), { name, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  return processes;
}

/** The pids under `root` (its children, theirs, ...), root included. */
function descendants(processes: Map<number, ProcessTicks>, root: number): Set<number> {
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { ppid }] of processes) {
      if (found.has(pid) || !found.has(ppid)) continue;
      found.add(pid);
      grew = true;
    }
  }
  return found;
}

/**
 * Starts counting; `stop()` gives the CPU seconds each process name used since, keeping those at
 * or above `minSeconds`. `descendantsOf: process.pid` counts only the processes this run started
 * (its Chromium, `next start`, MinIO), not other work sharing the machine. Counted per pid, so a
 * process that exits meanwhile is left out rather than subtracted; the ones measured here don't exit.
 */
export async function countCpu(minSeconds = 0.5, options: { descendantsOf?: number } = {}): Promise<{ stop: () => Promise<Record<string, number>> }> {
  const before = await cpuTicksByPid();
  return {
    stop: async () => {
      const after = await cpuTicksByPid();
      const counted = options.descendantsOf === undefined ? null : descendants(after, options.descendantsOf);
      const byName = new Map<string, number>();
      for (const [pid, { name, ticks }] of after) {
        if (counted && !counted.has(pid)) continue;
        const seconds = (ticks - (before.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND;
        byName.set(name, (byName.get(name) ?? 0) + seconds);
      }
      return Object.fromEntries([...byName].filter(([, seconds]) => seconds >= minSeconds));
    },
  };
}

/** `next-server 7.7, chromium renderer 6.1, …`: CPU seconds, largest first, scaled by `per`. */
export function formatCpu(cpuSeconds: Record<string, number>, per = 1, unit = "CPU-s"): string {
  return Object.entries(cpuSeconds)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${(seconds / per).toFixed(2)}`)
    .join(", ")
    .concat(` (${unit})`);
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** All the CPU seconds of a count (countCpu's `stop()`), whatever the processes. */
export const totalCpuSeconds = (cpuSeconds: Record<string, number>) => sum(Object.values(cpuSeconds));

/**
 * The two sides of an upload in a count of the bench's own processes: the server (`next start`'s
 * Node process and MinIO) and the browser (every Chromium process: renderer, network service, ...).
 */
export function splitCpu(own: Record<string, number>): { nextServer: number; minio: number; server: number; browser: Record<string, number> } {
  const nextServer = own["next-server"] ?? 0;
  const minio = own.minio ?? 0;
  const browser = Object.fromEntries(Object.entries(own).filter(([name]) => name.startsWith("chromium")));
  return { nextServer, minio, server: nextServer + minio, browser };
}

/** `server 14.1 ms (next-server 9.0, MinIO 5.1), browser 8.2 ms (chromium renderer 5.0, …)`, scaled by `per`. */
export function formatCpuSplit(own: Record<string, number>, per: number, unit: string): string {
  const { nextServer, minio, server, browser } = splitCpu(own);
  const f = (seconds: number) => (seconds / per).toFixed(2);
  const browserParts = Object.entries(browser)
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${f(seconds)}`);
  return `server ${f(server)} ${unit} (next-server ${f(nextServer)}, MinIO ${f(minio)}), browser ${f(sum(Object.values(browser)))} ${unit} (${browserParts.join(", ") || "none"})`;
}
