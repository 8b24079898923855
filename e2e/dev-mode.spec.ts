import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { MIB } from "../lib/units";
import { MP4_FTYP_HEADER, PNG_SIGNATURE } from "../testing/file-signatures";
import { freePort } from "../testing/services";
import { expect, test } from "./fixtures";

// Zero-config dev mode on a fresh data folder: no DATABASE_URL, S3_* or AUTH_SECRET in the env.
let dev: ChildProcess | undefined;
let dataDir = "";
let baseURL = "";
let output = "";

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "dev-smoke-"));
  const port = await freePort();
  baseURL = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), DEV_S3_PORT: String(await freePort()) };
  // A low threshold so the smoke also drives a multipart upload through the embedded store.
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_URL|S3_|AUTH_SECRET|APP_URL|NEXTAUTH_URL|NODE_ENV)/.test(name)) delete env[name];
  }
  env.MULTIPART_THRESHOLD_BYTES = String(6 * MIB);
  dev = spawn("npm", ["run", "dev"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  dev.stdout!.on("data", (chunk) => (output += chunk));
  dev.stderr!.on("data", (chunk) => (output += chunk));
  await expect.poll(() => output, { timeout: 90_000 }).toContain("Ready in");
});

test.afterAll(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(`dev server output:\n${output.slice(-4000)}`);
  if (dev?.pid) process.kill(-dev.pid, "SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  rmSync(dataDir, { recursive: true, force: true });
});

test("npm run dev with no env: banner, sign up, sign in, and upload", async ({ page, newUser }, testInfo) => {
  expect(output).toContain(`embedded PGlite in ${path.join(dataDir, "pglite")}`);
  expect(output).toContain("embedded local S3 (dev only) at http://127.0.0.1:");
  expect(output).toContain(`generated secret in ${path.join(dataDir, "auth-secret")}`);
  await page.goto(`${baseURL}/signup`);
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill(newUser.password);
  await page.getByTestId("submit-button").click();
  await expect(page.getByTestId("signed-in-user")).toContainText(newUser.email, { timeout: 60_000 });
  await page.getByTestId("sign-out-link").click();
  await page.getByTestId("confirm-sign-out").click();
  // next dev compiles /signin on its first visit; on a cold, busy machine that took over 5 s.
  await expect(page.getByTestId("signin-form")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("signed-in-user")).toHaveCount(0);
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill(newUser.password);
  await page.getByTestId("submit-button").click();
  await expect(page.getByTestId("signed-in-user")).toContainText(newUser.email, { timeout: 60_000 });

  // Uploads work against the embedded store: a small file by POST, a 20 MiB one in parts.
  const small = testInfo.outputPath("pixel.png");
  const large = testInfo.outputPath("clip.mp4");
  // Each starts with its format's signature: the content check refuses a PNG or MP4 without one.
  await writeFile(small, Buffer.concat([PNG_SIGNATURE, Buffer.alloc(5_000 - PNG_SIGNATURE.length, 1)]));
  await writeFile(large, Buffer.concat([MP4_FTYP_HEADER, Buffer.alloc(20 * MIB + 5 - MP4_FTYP_HEADER.length, 2)]));
  await page.goto(`${baseURL}/upload`);
  await expect(page.getByTestId("upload-queue")).toHaveAttribute("data-ready", "true", { timeout: 60_000 });
  await page.getByTestId("file-input").setInputFiles([small, large]);
  for (const name of ["pixel.png", "clip.mp4"]) {
    const row = page.getByTestId("upload-row").and(page.locator(`[data-name="${name}"]`));
    await expect(row).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  }
  const files = await page.evaluate(async () => (await (await fetch("/api/files")).json()).files);
  expect(files.map((f: { name: string; size: number }) => [f.name, f.size]).sort()).toEqual([
    ["clip.mp4", 20 * MIB + 5],
    ["pixel.png", 5_000],
  ]);

  // A real picture gets its preview through the embedded store too: made by the page, sent and checked once the file is done.
  const picture = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(800, 600);
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#2a6";
    context.fillRect(0, 0, 800, 600);
    context.fillStyle = "#fd0";
    context.fillRect(200, 150, 400, 300);
    return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: "image/png" })).arrayBuffer()));
  });
  await page.getByTestId("file-input").setInputFiles([{ name: "drawn.png", mimeType: "image/png", buffer: Buffer.from(picture) }]);
  await expect(page.getByTestId("upload-row").and(page.locator('[data-name="drawn.png"]'))).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  // The preview lands a moment after the file is done (issue 21).
  const preview = () =>
    page.evaluate(async () => {
      const listed = (await (await fetch("/api/files")).json()).files as { name: string; previewUrl: string | null }[];
      const url = listed.find((f) => f.name === "drawn.png")?.previewUrl;
      if (!url) return null;
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get("content-type") };
    });
  await expect.poll(preview, { timeout: 15_000 }).toEqual({ status: 200, type: expect.stringMatching(/^image\/(webp|jpeg)$/) });
});
