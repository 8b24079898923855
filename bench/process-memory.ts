/**
 * Resident memory of processes, read from /proc (Linux only): the `next start` server by its
 * process group, and Chromium's renderer by the pid CDP reports for it.
 */
import { readdir, readFile } from "node:fs/promises";

/** A "Name:   123 kB" field of a /proc file in bytes, or null once the process has gone. */
async function procKilobytesField(pid: number, file: string, field: string): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/${file}`, "utf8");
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** VmRSS of one process in bytes. */
export const residentBytes = (pid: number) => procKilobytesField(pid, "status", "VmRSS");

/**
 * Proportional set size in bytes (smaps_rollup): private pages plus a fair share of pages shared
 * with other processes, such as Chromium's own binary, which RSS would count whole in every process.
 */
export const proportionalBytes = (pid: number) => procKilobytesField(pid, "smaps_rollup", "Pss");

/** The live pids whose process group is `pgid` (`next start` runs npx, which runs the server). */
export async function processGroupPids(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 3 of /proc/PID/stat is the state, field 5 the process group; the name in (…) may hold
      // spaces, so split after it. A zombie (Z) has exited and holds neither memory nor a port.
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") pids.push(Number(entry));
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
