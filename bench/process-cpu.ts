/** CPU time per process name over the whole machine, read from /proc (Linux only). */
import { readdir, readFile } from "node:fs/promises";

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

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

/**
 * Starts counting; `stop()` gives the CPU seconds each process name used since, keeping those at
 * or above `minSeconds`. (A process that exited meanwhile is lost; the ones measured here don't.)
 */
export async function countCpu(minSeconds = 0.5): Promise<{ stop: () => Promise<Record<string, number>> }> {
  const before = await cpuTicksByName();
  return {
    stop: async () => {
      const used: Record<string, number> = {};
      for (const [name, ticks] of await cpuTicksByName()) {
        const seconds = (ticks - (before.get(name) ?? 0)) / TICKS_PER_SECOND;
        if (seconds >= minSeconds) used[name] = seconds;
      }
      return used;
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
