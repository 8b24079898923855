/**
 * Resident memory of processes, read from /proc (Linux only): the `next start` server by its
 * process group, and Chromium's renderer by the pid CDP reports for it.
 */
import { readdir, readFile } from "node:fs/promises";

/** VmRSS of one process in bytes, or null once it has gone. */
export async function residentBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/**
 * Proportional set size in bytes (smaps_rollup): private pages plus a fair share of pages shared
 * with other processes, such as Chromium's own binary, which RSS would count whole in every process.
 */
export async function proportionalBytes(pid: number): Promise<number | null> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
    const kib = /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** The pids whose process group is `pgid` (`next start` runs npx, which runs the server). */
export async function processGroupPids(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/PID/stat is the process group; the name in (…) may hold spaces, so split after it.
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // gone between readdir and readFile
    }
  }
  return pids;
}

/** The largest resident process of a group: the Node server itself rather than the npx wrapper. */
export async function largestInGroup(pgid: number): Promise<{ pid: number; bytes: number } | null> {
  let largest: { pid: number; bytes: number } | null = null;
  for (const pid of await processGroupPids(pgid)) {
    const bytes = await residentBytes(pid);
    if (bytes !== null && (!largest || bytes > largest.bytes)) largest = { pid, bytes };
  }
  return largest;
}

/** Calls `sample` every `intervalMs` until stopped; returns what it collected. */
export function sampleEvery<T>(intervalMs: number, sample: () => Promise<T>): { stop: () => Promise<T[]> } {
  const samples: T[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(await sample());
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}
