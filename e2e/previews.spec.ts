import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { PREVIEW_MAX_BYTES, PREVIEW_MAX_SIDE_PX } from "../lib/contracts/preview-schemas";
import { MP4_FTYP_HEADER } from "../testing/file-signatures";

/**
 * Previews (issues 16 and 21): the upload page makes a small image of a photo or a video in the
 * browser (a JPEG of a JPEG or a video's frame, a WebP of a PNG: Chromium encodes WebP); the file is done as soon as its bytes are verified, and its preview follows on its
 * own path, planned and completed in batches (POST /api/previews, /api/previews/complete); the
 * files list then answers a presigned previewUrl. A file whose bytes cannot be decoded uploads all
 * the same, without one, and the page reports it (POST /api/previews/failed) so no page asks again.
 */
type Listed = { id: string; name: string; status: string; previewUrl: string | null; previewWanted: boolean };

/** A file's signature (the server checks it), then noise no decoder can read. */
const noiseAfter = (signature: Uint8Array) => Buffer.concat([signature, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 131 + 7) % 256))]);
const GARBAGE_JPEG = noiseAfter(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]));

async function listedFiles(page: Page): Promise<Listed[]> {
  return page.evaluate(async () => (await (await fetch("/api/files")).json()).files);
}

/** The files list once every file named has its preview (they land after the files are done). */
async function withPreviews(page: Page, names: string[]): Promise<Listed[]> {
  await expect
    .poll(async () => (await listedFiles(page)).filter((file) => names.includes(file.name) && file.previewUrl).length, { timeout: 15_000 })
    .toBe(names.length);
  return listedFiles(page);
}

/** The file item ids of every preview the page planned (POST /api/previews), in order. */
function watchPreviewPlans(page: Page): string[] {
  const planned: string[] = [];
  page.on("request", (req) => {
    if (req.method() !== "POST" || new URL(req.url()).pathname !== "/api/previews") return;
    const body = req.postDataJSON() as { previews: Array<{ fileItemId: string }> };
    planned.push(...body.previews.map((preview) => preview.fileItemId));
  });
  return planned;
}

/** The file item ids the page reported as undecodable (POST /api/previews/failed), in order. */
function watchFailedReports(page: Page): string[] {
  const reported: string[] = [];
  page.on("request", (req) => {
    if (req.method() === "POST" && new URL(req.url()).pathname === "/api/previews/failed") reported.push(...(req.postDataJSON() as { fileItemIds: string[] }).fileItemIds);
  });
  return reported;
}

/** What a preview URL serves, decoded by the page: its type, size and picture size. */
async function fetchPreview(page: Page, url: string) {
  return page.evaluate(async (href) => {
    const res = await fetch(href);
    const blob = await res.blob();
    // Shown as an <img>, as the library shows it (through a blob: URL, which any CSP here allows).
    const img = new Image();
    const objectUrl = URL.createObjectURL(blob);
    img.src = objectUrl;
    await img.decode();
    URL.revokeObjectURL(objectUrl);
    return { status: res.status, type: res.headers.get("content-type"), bytes: blob.size, width: img.naturalWidth, height: img.naturalHeight };
  }, url);
}

/** A 1200×800 PNG with shapes, drawn by the browser. */
async function drawnPng(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(1200, 800);
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#36c";
    context.fillRect(0, 0, 1200, 800);
    context.fillStyle = "#fc3";
    context.beginPath();
    context.arc(600, 400, 300, 0, 2 * Math.PI);
    context.fill();
    for (let i = 0; i < 200; i++) {
      context.fillStyle = `hsl(${i * 7}, 70%, 50%)`;
      context.fillRect((i * 97) % 1200, (i * 53) % 800, 40, 30);
    }
    return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: "image/png" })).arrayBuffer()));
  });
  return Buffer.from(bytes);
}

test("a photo gets a small decodable preview; a JPEG of garbage uploads without one, reported so nothing asks for it again", async ({ page, auth, newUser, uploadPage }) => {
  await auth.signUp(newUser);
  await uploadPage.goto();
  const planned = watchPreviewPlans(page);
  const reported = watchFailedReports(page);
  const photo = await drawnPng(page);

  await page.getByTestId("file-input").setInputFiles([
    { name: "drawing.png", mimeType: "image/png", buffer: photo },
    { name: "broken.jpg", mimeType: "image/jpeg", buffer: GARBAGE_JPEG },
  ]);
  await expect(page.getByTestId("overall-progress-text")).toContainText("2 of 2 files done");

  const files = await withPreviews(page, ["drawing.png"]);
  const drawing = files.find((file) => file.name === "drawing.png");
  const broken = files.find((file) => file.name === "broken.jpg");
  expect(drawing?.status).toBe("uploaded");
  expect(broken?.status).toBe("uploaded");
  expect(broken?.previewUrl).toBeNull();
  expect(drawing?.previewUrl).toBeTruthy();
  // Only the photo's preview was planned: the garbage never got past its header read, and was reported.
  expect(planned).toEqual([drawing!.id]);
  await expect.poll(async () => (await listedFiles(page)).find((file) => file.name === "broken.jpg")?.previewWanted).toBe(false);
  expect(reported).toEqual([broken!.id]);

  const preview = await fetchPreview(page, drawing!.previewUrl!);
  expect(preview.status).toBe(200);
  // A PNG may have alpha: WebP, which keeps it (encode-preview.ts).
  expect(preview.type).toBe("image/webp");
  expect(preview.bytes).toBeGreaterThan(0);
  expect(preview.bytes).toBeLessThanOrEqual(PREVIEW_MAX_BYTES);
  expect({ width: preview.width, height: preview.height }).toEqual({ width: PREVIEW_MAX_SIDE_PX, height: 213 });
});

test("a card whose picture fails to load twice in a row shows it within seconds (regression: after one list fetch, its icon stayed for up to a minute)", async ({ page, auth, newUser, uploadPage, libraryPage }) => {
  await auth.signUp(newUser);
  await uploadPage.goto();
  await page.getByTestId("file-input").setInputFiles([{ name: "drawing.png", mimeType: "image/png", buffer: await drawnPng(page) }]);
  await expect(page.getByTestId("overall-progress-text")).toContainText("1 of 1 files done");
  await withPreviews(page, ["drawing.png"]);

  // Storage drops the picture's first two GETs, as a busy store or a proxy may: the preview exists all along.
  let dropped = 0;
  await page.route(/\.preview\?/, (route) => {
    if (route.request().method() !== "GET" || dropped >= 2) return route.fallback();
    dropped++;
    return route.abort("connectionreset");
  });
  await libraryPage.goto();
  await page.getByTestId("view-grid").click();
  await expect(page.getByTestId("file-card")).toHaveCount(1);
  // The picture shown, not an <img> still loading (which counts as visible): failed ones give way to the icon.
  const shown = () => page.evaluate(() => {
    const img = document.querySelector<HTMLImageElement>('[data-testid="card-preview"]');
    return !!img && img.complete && img.naturalWidth > 0;
  });
  await expect.poll(shown, { timeout: 10_000 }).toBe(true);
  expect(dropped).toBe(2);
});

test("a video recorded by the browser gets a poster-frame preview, shown in the grid, and plays in the lightbox", async ({ page, auth, newUser, uploadPage, libraryPage }) => {
  await auth.signUp(newUser);
  await uploadPage.goto();
  // Chromium records MP4 (VP9 in an MP4 container) with MediaRecorder; the Chromium .ci/run installs does,
  // so a build that cannot fails here rather than passing without testing video previews.
  expect(await page.evaluate(() => MediaRecorder.isTypeSupported("video/mp4"))).toBe(true);
  const clip = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 640;
    canvas.height = 360;
    const context = canvas.getContext("2d")!;
    let frame = 0;
    const draw = () => {
      context.fillStyle = `hsl(${frame * 5}, 60%, 50%)`;
      context.fillRect(0, 0, 640, 360);
      context.fillStyle = "#fff";
      context.font = "80px sans-serif";
      context.fillText(String(frame++), 200, 200);
    };
    draw();
    const timer = setInterval(draw, 33);
    const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: "video/mp4" });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => chunks.push(event.data);
    recorder.start(500);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await new Promise((resolve) => {
      recorder.onstop = resolve;
      recorder.stop();
    });
    clearInterval(timer);
    return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
  });
  const planned = watchPreviewPlans(page);

  await page.getByTestId("file-input").setInputFiles([{ name: "clip.mp4", mimeType: "video/mp4", buffer: Buffer.from(clip) }]);
  await expect(page.getByTestId("overall-progress-text")).toContainText("1 of 1 files done");

  const [video] = await withPreviews(page, ["clip.mp4"]);
  expect(planned).toEqual([video!.id]);
  expect(video?.status).toBe("uploaded");
  expect(video?.previewUrl).toBeTruthy();
  const preview = await fetchPreview(page, video!.previewUrl!);
  // A video's frame has no alpha: JPEG, the cheaper encode (encode-preview.ts).
  expect(preview.type).toBe("image/jpeg");
  expect(preview.bytes).toBeLessThanOrEqual(PREVIEW_MAX_BYTES);
  expect({ width: preview.width, height: preview.height }).toEqual({ width: PREVIEW_MAX_SIDE_PX, height: 180 });

  // /files as a grid: the card shows that preview; opening it plays the video from /view.
  await libraryPage.goto();
  await page.getByTestId("view-grid").click();
  const card = page.getByTestId("file-card");
  const thumbnail = card.getByTestId("card-preview");
  await expect.poll(() => thumbnail.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0)), { timeout: 15_000 }).toBe(PREVIEW_MAX_SIDE_PX);
  await card.getByTestId("card-open").click();
  const player = page.getByTestId("lightbox-video");
  await expect(player).toBeVisible();
  // HAVE_METADATA or more: the browser fetched the stored video inline and knows its length.
  await expect.poll(() => player.evaluate((el: HTMLVideoElement) => el.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  expect(await player.evaluate((el: HTMLVideoElement) => el.duration)).toBeGreaterThan(1);
});

/** Proportional set size of every renderer process, in bytes (Linux /proc, as bench/process-memory.ts reads it). */
async function renderersPss(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send("SystemInfo.getProcessInfo")) as { processInfo: Array<{ type: string; id: number }> };
    let total = 0;
    for (const { type, id } of processInfo) {
      if (type !== "renderer") continue;
      const text = await readFile(`/proc/${id}/smaps_rollup`, "utf8").catch(() => "");
      total += Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0) * 1024;
    }
    return total;
  } finally {
    await cdp.detach();
  }
}

test("a 50-megapixel JPEG's preview is decoded scaled down, without the tab holding the full picture", async ({ page, browser, auth, newUser, uploadPage }, testInfo) => {
  test.setTimeout(120_000);
  // Drawn and encoded in a page of its own (its ~200 MB canvas then leaves with its process).
  const painter = await (await browser.newContext()).newPage();
  const jpeg = Buffer.from(
    await painter.evaluate(async () => {
      const canvas = new OffscreenCanvas(8660, 5774);
      const context = canvas.getContext("2d")!;
      for (let i = 0; i < 3000; i++) {
        context.fillStyle = `hsl(${i * 7}, 70%, 50%)`;
        context.fillRect((i * 977) % 8660, (i * 533) % 5774, 120, 90);
      }
      return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 })).arrayBuffer()));
    }),
  );
  await painter.context().close();

  await auth.signUp(newUser);
  await uploadPage.goto();
  const planned = watchPreviewPlans(page);
  const before = await renderersPss(browser);
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await renderersPss(browser));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await page.getByTestId("file-input").setInputFiles([{ name: "huge.jpg", mimeType: "image/jpeg", buffer: jpeg }]);
  await expect(page.getByTestId("overall-progress-text")).toContainText("1 of 1 files done", { timeout: 60_000 });
  // The preview follows the file: memory is sampled until it has landed.
  const [huge] = await withPreviews(page, ["huge.jpg"]);
  sampling = false;
  await sampler;

  const grewMiB = (peak - before) / 2 ** 20;
  const figure = `50 MP JPEG (${(jpeg.length / 2 ** 20).toFixed(1)} MiB): renderer PSS ${(before / 2 ** 20).toFixed(0)} → peak ${(peak / 2 ** 20).toFixed(0)} MiB (+${grewMiB.toFixed(0)} MiB)`;
  testInfo.annotations.push({ type: "memory", description: figure });
  console.log(figure);
  expect(planned).toEqual([huge!.id]);
  const preview = await fetchPreview(page, huge!.previewUrl!);
  expect(preview.width).toBeLessThanOrEqual(PREVIEW_MAX_SIDE_PX);
  // A JPEG photo has no alpha: its preview is a JPEG (encode-preview.ts).
  expect(preview.type).toBe("image/jpeg");
  // Decoded whole, the picture alone would be 8660 × 5774 × 4 bytes ≈ 191 MiB.
  expect(grewMiB).toBeLessThan(100);
});

test("the grid reports the CLI's files it cannot make a preview of (a JPEG and an MP4 of noise): wanted no more, never downloaded again", async ({ page, auth, newUser, baseURL }) => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "e2e-undecodable-"));
  try {
    const files = [path.join(tmp, "noise.jpg"), path.join(tmp, "noise.mp4")];
    await writeFile(files[0]!, GARBAGE_JPEG);
    await writeFile(files[1]!, noiseAfter(MP4_FTYP_HEADER));
    await auth.signUp(newUser);
    const token = await page.evaluate(async () => {
      const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "cli" }) });
      return (await res.json()).secret as string;
    });
    await promisify(execFile)("npm", ["run", "upload", "--", ...files, "--url", baseURL!, "--token", token]);
    const sent = await listedFiles(page);
    expect(sent.map((file) => [file.name, file.status, file.previewWanted]).sort()).toEqual([
      ["noise.jpg", "uploaded", true],
      ["noise.mp4", "uploaded", true],
    ]);

    const reported = watchFailedReports(page);
    await page.goto("/files");
    await page.getByTestId("view-grid").click();
    await expect.poll(async () => (await listedFiles(page)).map((file) => file.previewWanted), { timeout: 30_000 }).toEqual([false, false]);
    expect([...reported].sort()).toEqual(sent.map((file) => file.id).sort());

    // A fresh grid asks for neither: no stored file is fetched back to try again.
    const views: string[] = [];
    page.on("request", (req) => {
      if (/^\/api\/files\/[^/]+\/view$/.test(new URL(req.url()).pathname)) views.push(req.url());
    });
    await page.reload();
    await expect(page.getByTestId("file-card")).toHaveCount(2);
    await page.waitForTimeout(1_000);
    expect(views).toEqual([]);
    expect(reported).toHaveLength(2);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
