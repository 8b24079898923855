/**
 * B3: the signing routes under a fixed request rate, with a Bearer API token: POST /api/uploads
 * (a small PNG, answered with a signed POST policy) and POST /api/uploads/{id}/parts asking for
 * 100 part URLs of one 1.6 GiB multipart upload. autocannon's latencies include its own queueing
 * when the server falls behind the rate.
 */
import autocannon from "autocannon";
import type { Page } from "@playwright/test";
import { GIB } from "../lib/units";
import { fmt } from "./stats";

const RATE_PER_SECOND = 200;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 20;
/** 100 part numbers: the most one call may ask for. */
const PART_NUMBERS = Array.from({ length: 100 }, (_, i) => i + 1);

export type LoadFigures = { label: string; requestsPerSecond: number; p50: number; p90: number; p99: number; max: number; non2xx: number; errors: number };

/** Creates the token with the page's session cookie (the token routes refuse Bearer callers). */
export async function createApiToken(page: Page): Promise<string> {
  const secret = await page.evaluate(async () => {
    const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "bench" }) });
    return res.ok ? ((await res.json()) as { secret: string }).secret : `HTTP ${res.status}`;
  });
  if (!secret.startsWith("upl_")) throw new Error(`POST /api/tokens failed: ${secret}`);
  return secret;
}

async function createMultipartUpload(appUrl: string, token: string): Promise<string> {
  const res = await fetch(`${appUrl}/api/uploads`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench-parts.mp4", size: Math.round(1.6 * GIB), type: "video/mp4" }),
  });
  const body = (await res.json()) as { file?: { id: string }; upload?: { strategy: string } };
  if (res.status !== 201 || body.upload?.strategy !== "multipart" || !body.file) throw new Error(`creating the multipart upload answered ${res.status}`);
  return body.file.id;
}

async function load(label: string, url: string, token: string, body: string, seconds: number): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
    connections: CONNECTIONS,
    overallRate: RATE_PER_SECOND,
    duration: seconds,
  });
  const { latency } = result;
  return { label, requestsPerSecond: result.requests.average, p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max, non2xx: result.non2xx, errors: result.errors };
}

export async function runSigningLoad(appUrl: string, token: string): Promise<LoadFigures[]> {
  const fileId = await createMultipartUpload(appUrl, token);
  const targets = [
    { label: "POST /api/uploads (small .png)", url: `${appUrl}/api/uploads`, body: JSON.stringify({ name: "bench.png", size: 65_536, type: "image/png" }) },
    // The batch the upload page asks for (SIGN_AHEAD in client/multipart/multipart-transfer.ts).
    {
      label: "POST /api/uploads/{id}/parts (12 URLs)",
      url: `${appUrl}/api/uploads/${fileId}/parts`,
      body: JSON.stringify({ partNumbers: PART_NUMBERS.slice(0, 12), checksums: Object.fromEntries(PART_NUMBERS.slice(0, 12).map((n) => [String(n), "AAAAAA=="])) }),
    },
    {
      label: "POST /api/uploads/{id}/parts (100 URLs)",
      url: `${appUrl}/api/uploads/${fileId}/parts`,
      body: JSON.stringify({ partNumbers: PART_NUMBERS, checksums: Object.fromEntries(PART_NUMBERS.map((n) => [String(n), "AAAAAA=="])) }),
    },
  ];
  const figures: LoadFigures[] = [];
  for (const target of targets) {
    await load(target.label, target.url, token, target.body, WARMUP_SECONDS);
    figures.push(await load(target.label, target.url, token, target.body, DURATION_SECONDS));
    console.log(`[B3] ${target.label} done`);
  }
  return figures;
}

/** `changedSettings`: what the app ran with for this load, unlike the product as shipped. */
export function printSigningLoad(figures: LoadFigures[], changedSettings?: string): void {
  console.log(`\nB3 signing routes, ${RATE_PER_SECOND} req/s offered for ${DURATION_SECONDS} s, ${CONNECTIONS} connections, Bearer token (after ${WARMUP_SECONDS} s warm-up)`);
  if (changedSettings) console.log(`  [B3] settings changed for this run: ${changedSettings}`);
  for (const f of figures) {
    console.log(
      `  ${f.label.padEnd(40)} ${fmt(f.requestsPerSecond).padStart(6)} req/s  p50 ${fmt(f.p50)} ms  p90 ${fmt(f.p90)} ms  p99 ${fmt(f.p99)} ms  max ${fmt(f.max)} ms  non-2xx ${f.non2xx}  errors ${f.errors}`,
    );
  }
  console.log("  target: p99 < 20 ms for presigning");
}
