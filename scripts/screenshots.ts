/**
 * The README's screenshots: docs/screens/files-grid.png (/files as a grid with previews) and
 * docs/screens/share-page.png (a share link opened signed out). Not part of `npm test`.
 *
 *   npx tsx scripts/screenshots.ts --url http://localhost:3000     # against a running app
 *   npx tsx --conditions=react-server scripts/screenshots.ts --serve  # fresh Postgres + MinIO and
 *                                                                     # `next start` on the last build
 *
 * It signs up a new user, uploads a few pictures (drawn by the page's canvas, in a folder and
 * loose) and an MP3 through the upload page, waits for their previews, makes one share link.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { CHROMIUM_ARGS } from "../playwright.config";

const OUT_DIR = path.resolve("docs/screens");
const VIEWPORT = { width: 1040, height: 760 };

/** Scenes drawn in flat colours: recognisable thumbnails that also keep the PNGs small. */
const PICTURES = [
  { name: "sunset.jpg", folder: "Holiday", sky: ["#1e3a8a", "#f97316"], sun: "#fde047", land: "#7c2d12" },
  { name: "harbour.jpg", folder: "Holiday", sky: ["#0ea5e9", "#e0f2fe"], sun: "#fef9c3", land: "#0f766e" },
  { name: "hills.jpg", folder: "Holiday", sky: ["#93c5fd", "#dbeafe"], sun: "#facc15", land: "#15803d" },
  { name: "night sky.png", folder: null, sky: ["#020617", "#312e81"], sun: "#e2e8f0", land: "#1e293b" },
] as const;

type Picture = (typeof PICTURES)[number];

async function draw(page: Page, picture: Picture): Promise<Buffer> {
  const type = picture.name.endsWith(".png") ? "image/png" : "image/jpeg";
  const dataUrl = await page.evaluate(
    ({ picture, type }) =>
      new Promise<string>((resolve, reject) => {
        const [w, h] = [1200, 800];
        const canvas = Object.assign(document.createElement("canvas"), { width: w, height: h });
        const ctx = canvas.getContext("2d")!;
        const sky = ctx.createLinearGradient(0, 0, 0, h);
        sky.addColorStop(0, picture.sky[0]);
        sky.addColorStop(1, picture.sky[1]);
        ctx.fillStyle = sky;
        ctx.fillRect(0, 0, w, h);
        ctx.fillStyle = picture.sun;
        ctx.beginPath();
        ctx.arc(w * 0.68, h * 0.42, h * 0.13, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillStyle = picture.land;
        ctx.beginPath();
        ctx.moveTo(0, h);
        ctx.lineTo(0, h * 0.7);
        ctx.quadraticCurveTo(w * 0.3, h * 0.5, w * 0.55, h * 0.72);
        ctx.quadraticCurveTo(w * 0.8, h * 0.6, w, h * 0.68);
        ctx.lineTo(w, h);
        ctx.fill();
        canvas.toBlob(
          (blob) => {
            if (!blob) return reject(new Error("toBlob gave nothing"));
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result as string);
            reader.readAsDataURL(blob);
          },
          type,
          0.9,
        );
      }),
    { picture, type },
  );
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
}

/** `--serve`: the services `npm test` uses and `next start` on them; returns the URL and a stop. */
async function serve(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { freePort } = await import("../testing/services");
  const { provisionTestServices } = await import("../testing/provision");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const services = await provisionTestServices(url);
  const child: ChildProcess = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...services.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
    // Its own process group: npx starts next-server as a child, and both must stop.
    detached: true,
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
    await services.teardown();
  };
  try {
    for (let i = 0; ; i++) {
      if (i > 120) throw new Error("next start did not answer within 60 s");
      const up = await fetch(`${url}/signin`).then(
        (res) => res.ok,
        () => false,
      );
      if (up) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

async function waitForImages(page: Page) {
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="card-preview"]')].every((img) => img.complete && img.naturalWidth > 0));
}

async function capture(baseURL: string) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const work = await mkdtemp(path.join(os.tmpdir(), "screens-"));
  try {
    const context = await browser.newContext({ baseURL, viewport: VIEWPORT, colorScheme: "light" });
    const page = await context.newPage();
    const email = `ada-${randomUUID().slice(0, 8)}@example.test`;
    await page.goto("/signup");
    await page.getByTestId("name-input").fill("Ada");
    await page.getByTestId("email-input").fill(email);
    await page.getByTestId("password-input").fill(randomBytes(12).toString("base64url"));
    await page.getByTestId("submit-button").click();
    await page.getByTestId("signed-in-user").waitFor();

    // Files on disk: a "Holiday" folder of three pictures, one loose picture and an MP3.
    const folder = path.join(work, "Holiday");
    await mkdir(folder);
    const loose: string[] = [];
    for (const picture of PICTURES) {
      const file = path.join(picture.folder ? folder : work, picture.name);
      await writeFile(file, await draw(page, picture));
      if (!picture.folder) loose.push(file);
    }
    const song = path.join(work, "field recording.mp3");
    await writeFile(song, Buffer.concat([Buffer.from("ID3"), randomBytes(2_400_000)]));
    loose.push(song);

    await page.goto("/upload");
    await page.locator('[data-testid="upload-queue"][data-ready="true"]').waitFor();
    await page.getByTestId("folder-input").setInputFiles(folder);
    await page.getByTestId("file-input").setInputFiles(loose);
    const rows = page.getByTestId("upload-row");
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="upload-row"][data-status="done"]').length === count, PICTURES.length + 1, {
      timeout: 60_000,
    });
    console.log(`[screens] uploaded ${await rows.count()} files`);

    await page.goto("/files");
    await page.getByTestId("file-library").waitFor();
    await page.getByTestId("view-grid").click();
    await page.getByTestId("file-card").nth(PICTURES.length).waitFor();
    await waitForImages(page);
    const previews = await page.getByTestId("card-preview").count();
    if (previews === 0) console.warn("[screens] no previews: the grid shows type icons only");
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(OUT_DIR, "files-grid.png"), fullPage: true });

    // One share link, opened by someone signed out.
    const card = page.getByTestId("file-card").and(page.locator('[data-name="sunset.jpg"]'));
    await card.getByTestId("share-button").click();
    const dialog = page.getByTestId("share-dialog");
    await dialog.getByTestId("share-create").click();
    const url = await dialog.getByTestId("share-url").inputValue();
    const visitor = await browser.newContext({ viewport: { width: 820, height: 600 }, colorScheme: "light" });
    const visit = await visitor.newPage();
    await visit.goto(url);
    await visit.getByTestId("shared-file").waitFor();
    await visit.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
    await visit.screenshot({ path: path.join(OUT_DIR, "share-page.png"), fullPage: true });
    await visitor.close();
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const urlAt = args.indexOf("--url");
  await mkdir(OUT_DIR, { recursive: true });
  const server = args.includes("--serve") ? await serve() : null;
  try {
    await capture(server?.url ?? (urlAt >= 0 ? args[urlAt + 1] : undefined) ?? process.env.APP_URL ?? "http://localhost:3000");
  } finally {
    await server?.stop();
  }
  for (const name of ["files-grid.png", "share-page.png"]) {
    console.log(`[screens] docs/screens/${name}: ${Math.round((await stat(path.join(OUT_DIR, name))).size / 1024)} KiB`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
