import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { faultControl } from "../testing/fault-proxy";
import { sha256OfObject } from "../testing/s3-direct";
import { MP4_FTYP_HEADER } from "../testing/file-signatures";
import { expect, test } from "./fixtures";
import { MIB } from "../lib/units";

const run = promisify(execFile);
/** The proxy `npm test` starts in front of MinIO (testing/provision.ts). */
const proxyUrl = process.env.FAULT_PROXY_URL;

// The proxy is shared by every spec in the run: never leave faults on.
test.afterEach(async () => {
  if (proxyUrl) await faultControl(proxyUrl).off();
});

async function mintToken(page: import("@playwright/test").Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "cli" }) });
    return (await res.json()).secret as string;
  });
}

test("npm run upload sends a small and a multipart file with an API token", async ({ page, auth, newUser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const small = testInfo.outputPath("tiny.png");
  const large = testInfo.outputPath("movie.mp4");
  const largeBytes = randomBytes(120 * MIB + 7); // over the 100 MiB multipart threshold
  // Random bytes can look like MP3 frames; start with an MP4 ftyp box, as the name says.
  MP4_FTYP_HEADER.copy(largeBytes);
  await writeFile(small, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2_000)]));
  await writeFile(large, largeBytes);

  await auth.signUp(newUser);
  const token = await mintToken(page);
  expect(token).toBeTruthy();

  const { stdout } = await run("npx", ["tsx", "cli/upload.ts", small, large, "--url", baseURL!, "--token", token]);
  expect(stdout).toMatch(/uploaded tiny\.png \(2008 bytes\)/);
  expect(stdout).toMatch(new RegExp(`uploaded movie\\.mp4 \\(${largeBytes.length} bytes\\).*checksum=CRC32:`));

  const files = await page.evaluate(async () => (await (await fetch("/api/files")).json()).files as { id: string; name: string; size: number }[]);
  const movie = files.find((f) => f.name === "movie.mp4")!;
  expect(movie.size).toBe(largeBytes.length);
  const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  expect(await sha256OfObject(`u/${me}/${movie.id}.mp4`)).toBe(createHash("sha256").update(largeBytes).digest("hex"));

  // A wrong token fails clearly and uploads nothing.
  const bad = await run("npx", ["tsx", "cli/upload.ts", small, "--url", baseURL!, "--token", "upl_not-a-real-token"]).catch((err) => err);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("failed");
});

test("npm run upload gets through dropped connections, SlowDown and expired policies on its own, storing each file once", async ({ page, auth, newUser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  if (!proxyUrl) throw new Error("needs the fault proxy that `npm test` starts in front of MinIO (FAULT_PROXY_URL)");
  const names = Array.from({ length: 8 }, (_, i) => `shot-${i}.png`);
  const contents = names.map(() => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300_000)]));
  const paths = names.map((name) => testInfo.outputPath(name));
  await Promise.all(paths.map((file, i) => writeFile(file, contents[i]!)));
  await auth.signUp(newUser);
  const token = await mintToken(page);

  const control = faultControl(proxyUrl);
  await control.set({ dropRate: 0.15, slowDownRate: 0.1, expireRate: 0.1, seed: 5, targets: ["single"] });
  // One file at a time, so the proxy meets the same requests in the same order on every run (its faults are seeded).
  const { stdout } = await run("npx", ["tsx", "cli/upload.ts", ...paths, "--url", baseURL!, "--token", token, "--parallel", "1"]);
  const stats = await control.stats();
  await control.off();

  const { drop, slowDown, expire } = stats.faults.single;
  expect(drop + slowDown + expire, "faults the CLI met").toBeGreaterThan(2);
  for (const name of names) expect(stdout).toMatch(new RegExp(`uploaded ${name} \\(300008 bytes\\)`));
  const files = await page.evaluate(async () => (await (await fetch("/api/files")).json()).files as { id: string; name: string }[]);
  expect(files.map((f) => f.name).sort()).toEqual([...names].sort());
  const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  for (const file of files) {
    const expected = createHash("sha256").update(contents[names.indexOf(file.name)]!).digest("hex");
    expect(await sha256OfObject(`u/${me}/${file.id}.png`), file.name).toBe(expected);
  }
});

test("npm run upload sends many small files several at a time, sharing batch requests, each stored once with its bytes", async ({ page, auth, newUser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const names = Array.from({ length: 30 }, (_, i) => `pic-${String(i).padStart(2, "0")}.png`);
  const contents = names.map((_, i) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1_000 + i)]));
  const paths = names.map((name) => testInfo.outputPath(name));
  await Promise.all(paths.map((file, i) => writeFile(file, contents[i]!)));
  await auth.signUp(newUser);
  const token = await mintToken(page);

  const { stdout } = await run("npx", ["tsx", "cli/upload.ts", ...paths, "--url", baseURL!, "--token", token, "--parallel", "8"]);
  expect(stdout.match(/^uploaded /gm)).toHaveLength(names.length);
  const files = await page.evaluate(async () => (await (await fetch("/api/files?limit=100")).json()).files as { id: string; name: string; size: number }[]);
  expect(files.map((f) => f.name).sort()).toEqual(names);
  const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  for (const file of files) {
    const bytes = contents[names.indexOf(file.name)]!;
    expect(file.size).toBe(bytes.length);
    expect(await sha256OfObject(`u/${me}/${file.id}.png`), file.name).toBe(createHash("sha256").update(bytes).digest("hex"));
  }

  const usage = await run("npx", ["tsx", "cli/upload.ts", paths[0]!, "--url", baseURL!, "--token", token, "--parallel", "0"]).catch((err) => err);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("--parallel 1..16");
});
