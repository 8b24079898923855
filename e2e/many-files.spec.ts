import { execFile } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { startCountingProxy } from "../testing/counting-proxy";
import { expect, test } from "./fixtures";

/**
 * Many small files under the default upload limits (600 create requests a minute, 50,000 file items
 * an hour): file items are made ahead ~24 per batch request, by the page and by the command-line
 * uploader, so neither meets a 429.
 */
const run = promisify(execFile);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** One create request per this many small files (PREPARE_WINDOW / 2, docs/api.md "Rate limits"). */
const FILES_PER_CREATE = 24;

/** A small PNG: the signature, then 1-4 KiB of random bytes. */
const smallPng = () => Buffer.concat([PNG_SIGNATURE, randomBytes(randomInt(1_024, 4_097))]);
const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}.png`);
const isCreate = (method: string, path: string) => method === "POST" && (path === "/api/uploads" || path === "/api/uploads/batch");

/** Every file /api/files lists for the signed-in user, page by page. */
async function allListedFiles(page: Page): Promise<{ name: string; size: number }[]> {
  return page.evaluate(async () => {
    const files: { name: string; size: number }[] = [];
    for (let cursor: string | null = ""; cursor !== null; ) {
      const answer = await fetch(`/api/files?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      const body = (await answer.json()) as { files: { name: string; size: number }[]; nextCursor: string | null };
      files.push(...body.files);
      cursor = body.nextCursor;
    }
    return files;
  });
}

test.beforeAll(() => {
  // The point of these tests is the defaults: nothing in the run may raise them.
  for (const name of ["RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE", "RATE_LIMIT_UPLOAD_FILES_PER_HOUR"]) expect(process.env[name], name).toBeUndefined();
});

test("1,000 small files dropped on /upload all upload under the default limits, without a 429", async ({ page, auth, newUser, uploadPage }) => {
  test.setTimeout(180_000);
  const names = numbered("photo", 1_000);
  const contents = names.map(smallPng);
  await auth.signUp(newUser);
  await uploadPage.goto();
  const appOrigin = new URL(page.url()).origin;

  const answers: { method: string; path: string; status: number }[] = [];
  page.on("response", (res) => {
    const url = new URL(res.url());
    if (url.origin === appOrigin) answers.push({ method: res.request().method(), path: url.pathname, status: res.status() });
  });

  const started = Date.now();
  await page.getByTestId("file-input").setInputFiles(names.map((name, i) => ({ name, mimeType: "image/png", buffer: contents[i]! })));
  await expect(page.getByTestId("overall-progress-text")).toContainText("1000 of 1000 files done", { timeout: 150_000 });
  const seconds = (Date.now() - started) / 1000;
  await expect(page.locator('[data-testid="upload-row"][data-status="done"]')).toHaveCount(1_000);

  const creates = answers.filter((a) => isCreate(a.method, a.path)).length;
  console.log(`[many-files] page: ${creates} create requests, ${answers.length} API answers, ${seconds.toFixed(1)} s for ${names.length} files`);
  expect(answers.filter((a) => a.status === 429)).toEqual([]);
  expect(creates).toBeLessThanOrEqual(Math.ceil(names.length / FILES_PER_CREATE) + 10);

  const listed = await allListedFiles(page);
  expect(listed).toHaveLength(1_000);
  expect(listed.map((f) => f.name).sort()).toEqual(names);
  const sizes = new Map(listed.map((f) => [f.name, f.size]));
  expect(names.every((name, i) => sizes.get(name) === contents[i]!.length)).toBe(true);
});

test("npm run upload of 300 small files makes about one create request per 24 files, without a 429", async ({ page, auth, newUser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const names = numbered("shot", 300);
  const paths = names.map((name) => testInfo.outputPath(name));
  await Promise.all(paths.map((file) => writeFile(file, smallPng())));
  await auth.signUp(newUser);
  const token = await page.evaluate(async () => {
    const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "cli" }) });
    return (await res.json()).secret as string;
  });

  // The CLI talks to the app through the proxy, which counts what it really sends.
  const proxy = await startCountingProxy(baseURL!);
  try {
    const { stdout } = await run("npx", ["tsx", "cli/upload.ts", ...paths, "--url", proxy.url, "--token", token], { maxBuffer: 16 * 1024 * 1024 });
    expect(stdout.match(/^uploaded /gm)).toHaveLength(names.length);
  } finally {
    await proxy.close();
  }
  const creates = proxy.seen.filter((r) => isCreate(r.method, r.path));
  console.log(`[many-files] CLI: ${creates.length} create requests (${proxy.seen.length} API requests) for ${names.length} files`);
  expect(proxy.seen.filter((r) => r.status === 429)).toEqual([]);
  expect(creates.every((r) => r.status === 200 || r.status === 201)).toBe(true);
  expect(creates.length).toBeLessThanOrEqual(Math.ceil(names.length / FILES_PER_CREATE) + 3);

  const listed = await allListedFiles(page);
  expect(listed.map((f) => f.name).sort()).toEqual(names);
});
