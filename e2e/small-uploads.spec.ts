import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { Page, Request } from "@playwright/test";
import { crc32Base64 } from "../client/hashing/checksum";
import { sha256OfObject } from "../testing/s3-direct";
import { PNG_SIGNATURE } from "../testing/file-signatures";
import { startAppServer, type AppServer } from "./app-server";
import { test as base, expect } from "./fixtures";

/**
 * A small file's one request to storage, both ways, from the page over XHR and from the CLI over
 * fetch: by POST form as shipped on MinIO and SeaweedFS, and by presigned PUT as on stores without
 * POST Object (R2, B2): S3_SMALL_UPLOADS=put, on a second `next start` of the same build
 * (e2e/app-server.ts, started only for those tests). The store enforces every signed header of a
 * PUT, If-None-Match included (the preset's conditional write: the URL writes the final key once).
 */
type Strategy = "put" | "post";
const test = base.extend<{ strategy: Strategy }, { putApp: () => Promise<string> }>({
  strategy: ["post", { option: true }],
  putApp: [
    async ({}, use) => {
      let server: Promise<AppServer> | undefined;
      await use(async () => (await (server ??= startAppServer({ S3_SMALL_UPLOADS: "put" }))).url);
      if (server) await (await server).stop();
    },
    { scope: "worker", timeout: 90_000 },
  ],
  baseURL: async ({ strategy, putApp, baseURL }, use) => use(strategy === "put" ? await putApp() : baseURL),
});

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

type Listed = { id: string; name: string; size: number; checksum: string | null; previewUrl: string | null };
const listedFiles = (page: Page): Promise<Listed[]> => page.evaluate(async () => (await (await fetch("/api/files")).json()).files);
const myId = (page: Page): Promise<string> => page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);

/** A 600×400 PNG drawn by the browser: a real picture, so the page makes its preview. */
async function drawnPng(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(600, 400);
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#2a7";
    context.fillRect(0, 0, 600, 400);
    context.fillStyle = "#fd3";
    context.fillRect(150, 100, 300, 200);
    return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: "image/png" })).arrayBuffer()));
  });
  return Buffer.from(bytes);
}

/** Every request the page makes to storage (any origin but the app's), by method. */
function watchStorage(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (req) => {
    if (new URL(req.url()).origin !== new URL(page.url()).origin && req.method() !== "GET") seen.push(req);
  });
  return seen;
}

for (const strategy of ["put", "post"] as const) {
test.describe(`small files by ${strategy}`, () => {
test.use({ strategy });

test(`the page sends small files and their previews by ${strategy.toUpperCase()}, each stored with its bytes`, async ({ page, auth, newUser, uploadPage }, testInfo) => {
  await auth.signUp(newUser);
  await uploadPage.goto();
  const storage = watchStorage(page);
  const photo = await drawnPng(page);
  const contents: Record<string, Buffer> = { "photo.png": photo };
  for (let i = 0; i < 6; i++) contents[`shot-${i}.png`] = Buffer.concat([PNG_SIGNATURE, randomBytes(20_000 + i * 70_000)]);
  const paths = await Promise.all(
    Object.entries(contents).map(async ([name, bytes]) => {
      const file = testInfo.outputPath(name);
      await writeFile(file, bytes);
      return file;
    }),
  );

  await uploadPage.addFiles(paths);
  for (const name of Object.keys(contents)) await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });

  // The photo's preview follows on its own path, the same way.
  await expect.poll(async () => (await listedFiles(page)).find((file) => file.name === "photo.png")?.previewUrl ?? null, { timeout: 15_000 }).not.toBeNull();
  const method = strategy === "put" ? "PUT" : "POST";
  expect(storage.filter((req) => req.method() !== method).map((req) => `${req.method()} ${req.url()}`)).toEqual([]);
  expect(storage.length).toBe(Object.keys(contents).length + 1);
  for (const req of strategy === "put" ? storage : []) {
    const headers = req.headers();
    expect(headers["x-amz-checksum-crc32"]).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    // A file's PUT writes its final key once (If-None-Match); a preview's goes to its staging key.
    const isPreview = new URL(req.url()).pathname.endsWith(".preview");
    expect(headers["if-none-match"], req.url()).toBe(isPreview ? undefined : "*");
  }

  const me = await myId(page);
  const files = await listedFiles(page);
  expect(files.map((file) => file.name).sort()).toEqual(Object.keys(contents).sort());
  for (const file of files) {
    expect(file.size).toBe(contents[file.name]!.length);
    if (strategy === "put") expect(file.checksum, file.name).toBe(`CRC32:${await crc32Base64(contents[file.name]!)}`);
    expect(await sha256OfObject(`u/${me}/${file.id}.png`), file.name).toBe(sha256(contents[file.name]!));
  }
});

test(`npm run upload sends small files by ${strategy.toUpperCase()}`, async ({ page, auth, newUser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  await auth.signUp(newUser);
  const token = await page.evaluate(async () => {
    const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "cli" }) });
    return (await res.json()).secret as string;
  });
  const names = ["a.png", "b.png", "c.png"];
  const contents = names.map((_, i) => Buffer.concat([PNG_SIGNATURE, randomBytes(5_000 + i * 1_000)]));
  const paths = names.map((name) => testInfo.outputPath(name));
  await Promise.all(paths.map((file, i) => writeFile(file, contents[i]!)));

  const { stdout } = await run("npx", ["tsx", "cli/upload.ts", ...paths, "--url", baseURL!, "--token", token]);
  for (const [i, name] of names.entries()) {
    const line = stdout.split("\n").find((text) => text.startsWith(`uploaded ${name} `));
    expect(line).toContain(`(${contents[i]!.length} bytes)`);
    if (strategy === "put") expect(line).toContain(`checksum=CRC32:${await crc32Base64(contents[i]!)}`);
  }
  const me = await myId(page);
  for (const file of await listedFiles(page)) {
    expect(await sha256OfObject(`u/${me}/${file.id}.png`), file.name).toBe(sha256(contents[names.indexOf(file.name)]!));
  }
});
});
}
