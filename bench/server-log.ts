/**
 * Server-side durations from `next start`'s request log (one JSON line per API request, see
 * server/http/request-log.ts), so load figures can be split into time in the handler and time queued.
 */
import { readFile } from "node:fs/promises";
import { fmt, median } from "./stats";

type LogLine = { msg?: string; method?: string; route?: string; status?: number; durationMs?: number };

export async function readRequestLines(logFile: string): Promise<LogLine[]> {
  const text = await readFile(logFile, "utf8");
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return {};
      }
    })
    .filter((line) => line.msg === "api_request");
}

/** Count, p50 and p99 of the handler's own duration, per route, for the log lines after `from`. */
export async function printHandlerDurations(logFile: string, from: number, title: string): Promise<number> {
  const lines = await readRequestLines(logFile);
  const byRoute = new Map<string, number[]>();
  for (const line of lines.slice(from)) {
    const key = line.route ?? `${line.method} ?`; // the route field already starts with the method
    byRoute.set(key, [...(byRoute.get(key) ?? []), line.durationMs ?? Number.NaN]);
  }
  console.log(`  ${title} (server-side handler time from the request log):`);
  for (const [route, durations] of byRoute) {
    const sorted = durations.sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
    console.log(`    ${route.padEnd(44)} n=${String(sorted.length).padStart(5)}  p50 ${fmt(median(sorted))} ms  p99 ${fmt(p99)} ms`);
  }
  return lines.length;
}
