import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { faultControl, type FaultStats, type FaultTarget } from "../testing/fault-proxy";
import { multipartUploadIds, sha256OfObject } from "../testing/s3-direct";
import { expect, test } from "./fixtures";
import { MIB } from "../lib/units";

/** The app's default MULTIPART_THRESHOLD_BYTES and part size (server/env.ts, lib/part-plan.ts). */
const MULTIPART_THRESHOLD_BYTES = 100 * MIB;
const PART_SIZE_BYTES = 16 * MIB;
/** The proxy `npm test` starts in front of MinIO (testing/provision.ts). */
const proxyUrl = process.env.FAULT_PROXY_URL;

/** 17 files the page sends in one request each (a POST form as shipped on MinIO) and 3 in parts: about 530 MiB in all. */
const FILES: Array<[name: string, size: number]> = [
  ["tiny.png", 1_000],
  ["icon.gif", 4_321],
  ["jingle.mp3", 70_003],
  ["photo.png", 150_001],
  ["teaser.mp4", 512 * 1024],
  ["banner.gif", MIB + 1],
  ["voice.mp3", 2 * MIB],
  ["scan.png", 3 * MIB + 17],
  ["short.mp4", 5 * MIB],
  ["podcast.mp3", 6 * MIB - 1],
  ["loop.gif", 8 * MIB + 5],
  ["poster.png", 10 * MIB],
  ["trailer.mp4", 12 * MIB + 3],
  ["album.mp3", 16 * MIB],
  ["panorama.png", 20 * MIB + 9],
  ["interview.mp4", 25 * MIB],
  ["reel.gif", 32 * MIB + 1],
  ["lecture.mp4", 110 * MIB + 1],
  ["concert.mp4", 128 * MIB + 12_345],
  ["holiday.mp4", 150 * MIB - 7],
];

/** Leading bytes of each kind, so the server's content check sees what the names say. */
const MAGIC: Record<string, Buffer> = {
  ".png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  ".gif": Buffer.from("GIF89a"),
  ".mp3": Buffer.from("ID3"),
  ".mp4": Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]),
};
/** Bytes the content check reads stay fixed; random bytes after them make misplaced parts show. */
const SNIFF_BYTES = 4100;

/** Writes the file (setInputFiles streams paths) and returns its SHA-256. */
async function makeFile(file: string, size: number): Promise<string> {
  const bytes = randomBytes(size);
  bytes.fill(0x2a, 0, Math.min(size, SNIFF_BYTES));
  MAGIC[path.extname(file)]!.copy(bytes);
  await writeFile(file, bytes);
  return createHash("sha256").update(bytes).digest("hex");
}

type PartPut = { key: string; at: number };

/** Every request the page sends to storage (part PUTs keyed `<uploadId>#<partNumber>`, and single requests: a PUT or a POST form), and the file items it creates. */
function recordStorageRequests(page: Page, storageOrigin: string) {
  const sent = { part: [] as PartPut[], single: 0, created: 0, signs: [] as Array<{ partNumbers: number[]; at: number }> };
  page.on("response", async (res) => {
    if (res.request().method() !== "POST") return;
    const { pathname } = new URL(res.url());
    if (pathname === "/api/uploads" && res.status() === 201) sent.created++;
    // Small files are created ahead in batches; each file created is one result with status 201.
    if (pathname === "/api/uploads/batch" && res.ok()) {
      const { results } = (await res.json()) as { results: Array<{ status: number }> };
      sent.created += results.filter((result) => result.status === 201).length;
    }
  });
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (req.method() === "POST" && /^\/api\/uploads\/[^/]+\/parts$/.test(url.pathname)) {
      sent.signs.push({ partNumbers: req.postDataJSON().partNumbers, at: Date.now() });
    }
    if (url.origin !== storageOrigin) return;
    if (req.method() === "PUT" && url.searchParams.has("partNumber")) {
      const key = `${url.searchParams.get("uploadId")}#${url.searchParams.get("partNumber")}`;
      sent.part.push({ key, at: Date.now() });
    }
    if ((req.method() === "POST" && !url.search) || (req.method() === "PUT" && !url.searchParams.has("partNumber"))) sent.single++;
  });
  return sent;
}

/**
 * What the page did after each failed part request: the next try of that part. After an expired
 * URL the page must have asked for the part's URL again before that try (the new URL can equal the
 * old one: the proxy "expires" URLs at once, and signing twice in the same second with the same
 * inputs gives the same signature); after 503 SlowDown it must wait out Retry-After.
 */
function checkFollowUps(stats: FaultStats, sent: PartPut[], signs: Array<{ partNumbers: number[]; at: number }>) {
  for (const event of stats.events.filter((e) => e.target === "part" && e.kind !== "delay")) {
    const tries = sent.filter((p) => p.key === event.part!.key);
    const failed = tries[event.part!.attempt - 1];
    const next = tries[event.part!.attempt];
    expect(failed, `${event.kind} on ${event.part!.key}: the faulted try`).toBeDefined();
    expect(next, `${event.kind} on ${event.part!.key}: a next try`).toBeDefined();
    if (event.kind === "expire") {
      const resigned = signs.some((sign) => sign.partNumbers.includes(event.part!.partNumber) && sign.at >= failed!.at && sign.at <= next!.at);
      expect(resigned, `re-signed after expiry (${event.part!.key})`).toBe(true);
    }
    if (event.kind === "slowDown") expect(next!.at - event.at, `waited Retry-After: 1 (${event.part!.key})`).toBeGreaterThanOrEqual(1000);
  }
}

type RowState = { name: string; status: string; reason: string };

async function rowStates(page: Page): Promise<RowState[]> {
  return page.getByTestId("upload-row").evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.getAttribute("data-name") ?? "",
      status: row.getAttribute("data-status") ?? "",
      reason: row.querySelector('[data-testid="failure-reason"]')?.textContent ?? "",
    })),
  );
}

/** Requests that failed at the proxy (a delay still succeeds). */
const failingFaults = (stats: FaultStats, target: FaultTarget) => stats.faults[target].drop + stats.faults[target].slowDown + stats.faults[target].expire;

// `npm test` always starts the proxy; without it this suite must fail loudly, not pass by skipping.
test.beforeAll(() => {
  if (!proxyUrl) throw new Error("needs the fault proxy that `npm test` starts in front of MinIO (FAULT_PROXY_URL)");
});
// The proxy is shared by every spec in the run: never leave faults on.
test.afterEach(async () => {
  if (proxyUrl) await faultControl(proxyUrl).off();
});

test("20 uploads through dropped connections, 503 SlowDown, delays and expired URLs all recover on their own, store the right bytes, resending once per fault", async ({
  page,
  auth,
  newUser,
  uploadPage,
}, testInfo) => {
  test.setTimeout(240_000);
  const control = faultControl(proxyUrl!);
  const files = FILES.map(([name, size]) => ({ name, size, path: testInfo.outputPath(name), multipart: size > MULTIPART_THRESHOLD_BYTES }));
  const hashes = new Map(await Promise.all(files.map(async (f) => [f.name, await makeFile(f.path, f.size)] as const)));

  await auth.signUp(newUser);
  await uploadPage.goto();
  await uploadPage.setConcurrency(4);
  const sent = recordStorageRequests(page, new URL(proxyUrl!).origin);

  await control.set({ dropRate: 0.1, slowDownRate: 0.1, expireRate: 0.05, delayRate: 0.1, delayMs: 300, seed: 21 });
  await uploadPage.addFiles(files.map((f) => f.path));
  await expect(page.getByTestId("upload-row")).toHaveCount(files.length);

  // Parts and single requests both retry on their own: no row may fail, and nobody clicks Retry.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const rows = await rowStates(page);
    if (rows.every((r) => r.status === "done")) break;
    const failed = rows.find((r) => r.status === "failed");
    if (failed) throw new Error(`${failed.name} failed although uploads retry on their own: ${failed.reason}`);
    if (Date.now() > deadline) throw new Error(`not all done in time: ${JSON.stringify(rows.filter((r) => r.status !== "done"))}`);
    await page.waitForTimeout(250);
  }
  const stats = await control.stats();
  await control.off();

  // Every file is stored with exactly its bytes, and no multipart upload is left behind.
  const me: string = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  const listed: Array<{ id: string; name: string; size: number; status: string }> = await page.evaluate(
    async () => (await (await fetch("/api/files?limit=100")).json()).files,
  );
  expect(listed.map((f) => f.name).sort()).toEqual(files.map((f) => f.name).sort());
  for (const file of listed) {
    expect(file, file.name).toMatchObject({ status: "uploaded", size: FILES.find(([name]) => name === file.name)![1] });
    expect(await sha256OfObject(`u/${me}/${file.id}${path.extname(file.name)}`), file.name).toBe(hashes.get(file.name));
  }
  expect(await multipartUploadIds(`u/${me}/`)).toEqual([]);

  // Resends match faults. Requests the proxy saw but the page did not send are Chromium's own
  // silent resends on a reused connection (the proxy closes connections while faults are on, so
  // these should be 0); a fault such a resend absorbed never reached the upload code.
  const partCount = files.filter((f) => f.multipart).reduce((sum, f) => sum + Math.ceil(f.size / PART_SIZE_BYTES), 0);
  expect(new Set(sent.part.map((p) => p.key)).size).toBe(partCount);
  const singleCount = files.length - files.filter((f) => f.multipart).length;
  const report = {
    faults: stats.faults,
    partRequests: { page: sent.part.length, proxy: stats.uploads.part, parts: partCount, resent: sent.part.length - partCount, failingFaults: failingFaults(stats, "part") },
    singleRequests: { page: sent.single, proxy: stats.uploads.single, files: singleCount, resent: sent.single - singleCount, failingFaults: failingFaults(stats, "single") },
    created: sent.created,
  };
  console.log(`[faults] ${JSON.stringify(report)}`);
  testInfo.annotations.push({ type: "faults", description: JSON.stringify(report) });

  for (const kind of ["drop", "slowDown", "expire", "delay"] as const) expect(stats.faults.part[kind] + stats.faults.single[kind], kind).toBeGreaterThan(0);
  for (const [target, r] of [["part", report.partRequests], ["single", report.singleRequests]] as const) {
    const silent = r.proxy - r.page;
    expect(silent, `${target}: Chromium's silent resends`).toBeGreaterThanOrEqual(0);
    expect(silent, `${target}: Chromium's silent resends`).toBeLessThanOrEqual(2);
    expect(r.failingFaults, `${target}: faults that failed a request`).toBeGreaterThan(0);
    expect(r.resent, `${target}: resends cover every failed request`).toBeGreaterThanOrEqual(r.failingFaults - silent);
    expect(r.resent, `${target}: no more resends than failures`).toBeLessThanOrEqual(r.failingFaults + 1);
  }
  // A single request whose URL or policy expired gets a fresh file item and URL; every other failed
  // one is sent again as it was, so the only extra file items are one per expired request.
  expect(sent.created, "file items created: one per file, plus one per expired single request").toBe(files.length + stats.faults.single.expire);
  // Matching tries by position needs the page and the proxy to have seen the same part requests.
  if (report.partRequests.proxy === report.partRequests.page) checkFollowUps(stats, sent.part, sent.signs);
});
