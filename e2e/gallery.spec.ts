import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const PHOTO = { name: "sunset.png", width: 640, height: 480 };
const SONG = "song.mp3";

type ListedFile = { id: string; name: string; previewUrl: string | null };

/** A real PNG, drawn by the page's canvas, so the browser can decode it and report its size. */
async function drawPng(page: Page, width: number, height: number): Promise<Buffer> {
  const dataUrl = await page.evaluate(
    ([w, h]) =>
      new Promise<string>((resolve, reject) => {
        const canvas = document.createElement("canvas");
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext("2d")!;
        const sky = ctx.createLinearGradient(0, 0, 0, h);
        sky.addColorStop(0, "#1e3a8a");
        sky.addColorStop(1, "#f97316");
        ctx.fillStyle = sky;
        ctx.fillRect(0, 0, w, h);
        ctx.fillStyle = "#fde047";
        ctx.beginPath();
        ctx.arc(w / 2, h * 0.7, h / 6, 0, Math.PI * 2);
        ctx.fill();
        canvas.toBlob((blob) => {
          if (!blob) return reject(new Error("toBlob gave nothing"));
          const reader = new FileReader();
          reader.onload = () => resolve(reader.result as string);
          reader.onerror = () => reject(reader.error);
          reader.readAsDataURL(blob);
        }, "image/png");
      }),
    [width, height] as const,
  );
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
}

/** Every CSP violation the page reports: previews and the lightbox load from the storage origin. */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/content security policy|refused to/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

async function listed(page: Page): Promise<ListedFile[]> {
  return page.evaluate(async () => (await (await fetch("/api/files")).json()).files);
}

/** A file is done when its bytes are verified; its preview lands a moment later (issue 21). */
async function previewLanded(page: Page, name: string) {
  await expect.poll(async () => (await listed(page)).find((f) => f.name === name)?.previewUrl ?? null, { timeout: 15_000 }).not.toBeNull();
}

const naturalWidth = (img: Locator) => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0));

test("grid view: remembered, previews or type icons, a lightbox that shows the full image and steps by keyboard", async ({
  page,
  auth,
  newUser,
  uploadPage,
  libraryPage,
}, testInfo) => {
  const violations = await recordViolations(page);
  await auth.signUp(newUser);
  const photoPath = testInfo.outputPath(PHOTO.name);
  await writeFile(photoPath, await drawPng(page, PHOTO.width, PHOTO.height));
  const songPath = testInfo.outputPath(SONG);
  await writeFile(songPath, Buffer.concat([Buffer.from("ID3"), randomBytes(40_000)]));

  await uploadPage.goto();
  await uploadPage.addFiles([songPath, photoPath]);
  for (const name of [SONG, PHOTO.name]) await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await previewLanded(page, PHOTO.name);

  // Grid is chosen once and still shown after a reload.
  await libraryPage.goto();
  await expect(page.getByTestId("file-library")).toHaveAttribute("data-view", "list");
  await page.getByTestId("view-grid").click();
  await expect(page.getByTestId("view-grid")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("file-card")).toHaveCount(2);
  await page.reload();
  await expect(page.getByTestId("file-library")).toHaveAttribute("data-view", "grid");
  await expect(page.getByTestId("view-list")).toHaveAttribute("aria-pressed", "false");

  const files = await listed(page);
  const photo = files.find((f) => f.name === PHOTO.name)!;
  const song = files.find((f) => f.name === SONG)!;
  const card = (file: ListedFile) => page.getByTestId("file-card").and(page.locator(`[data-file-id="${file.id}"]`));

  // The photo shows the preview the upload page made of it; the song, which has none, its type icon.
  expect(typeof photo.previewUrl).toBe("string");
  const preview = card(photo).getByTestId("card-preview");
  await expect(preview).toHaveAttribute("loading", "lazy");
  await expect.poll(() => naturalWidth(preview), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(song.previewUrl).toBeNull();
  await expect(card(song).getByTestId("type-icon")).toHaveAttribute("data-family", "audio");
  await expect(card(song).getByTestId("file-size")).toHaveAttribute("data-bytes", "40003");
  for (const target of [photo, song]) {
    for (const action of ["download-link", "share-button", "delete-button", "file-select"]) await expect(card(target).getByTestId(action)).toBeVisible();
  }

  // Open the photo: the full image arrives through /view at its own size; Escape gives focus back.
  await card(photo).getByTestId("card-open").click();
  const lightbox = page.getByTestId("lightbox");
  await expect(lightbox).toBeVisible();
  await expect(lightbox.getByTestId("lightbox-name")).toHaveText(PHOTO.name);
  const full = lightbox.getByTestId("lightbox-image");
  await expect(full).toHaveAttribute("src", `/api/files/${photo.id}/view`);
  await expect.poll(() => naturalWidth(full), { timeout: 15_000 }).toBe(PHOTO.width);
  await page.keyboard.press("Escape");
  await expect(lightbox).toHaveCount(0);
  await expect(card(photo).getByTestId("card-open")).toBeFocused();

  // By keyboard: Enter opens, the arrows step to the other file (an MP3: no player, a Download).
  await page.keyboard.press("Enter");
  await expect(lightbox).toHaveAttribute("data-file-id", photo.id);
  const order = await page.getByTestId("file-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-file-id")));
  const toSong = order.indexOf(song.id) > order.indexOf(photo.id) ? "ArrowRight" : "ArrowLeft";
  await page.keyboard.press(toSong);
  await expect(lightbox).toHaveAttribute("data-file-id", song.id);
  await expect(lightbox.getByTestId("lightbox-no-viewer")).toBeVisible();
  await expect(lightbox.locator("video, audio, img")).toHaveCount(0);
  await expect(lightbox.getByTestId("lightbox-download")).toHaveAttribute("href", `/api/files/${song.id}/download`);
  await page.keyboard.press(toSong === "ArrowRight" ? "ArrowLeft" : "ArrowRight");
  await expect(lightbox).toHaveAttribute("data-file-id", photo.id);
  await page.keyboard.press(toSong);
  await lightbox.getByTestId("lightbox-close").click();
  await expect(lightbox).toHaveCount(0);
  // Focus lands on the file shown last, not the one first opened.
  await expect(card(song).getByTestId("card-open")).toBeFocused();

  // /view serves the MP3 as an attachment, never inline.
  const view = await page.request.get(`/api/files/${song.id}/view`, { maxRedirects: 0 });
  expect(view.status()).toBe(302);
  expect(new URL(view.headers().location!).searchParams.get("response-content-disposition")).toMatch(/^attachment;/);

  expect(violations).toEqual([]);
});

test("an expired preview is fetched again with the list instead of staying broken", async ({ page, auth, newUser, uploadPage, libraryPage }, testInfo) => {
  await auth.signUp(newUser);
  const photoPath = testInfo.outputPath(PHOTO.name);
  await writeFile(photoPath, await drawPng(page, PHOTO.width, PHOTO.height));
  await uploadPage.goto();
  await uploadPage.addFiles([photoPath]);
  await expect(uploadPage.row(PHOTO.name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await previewLanded(page, PHOTO.name);
  const [photo] = await listed(page);
  // The upload page makes a preview of every decodable picture (e2e/previews.spec.ts): a missing one is a failure here.
  expect(typeof photo?.previewUrl).toBe("string");

  // Storage refuses the first preview GET, as it does once a presigned URL has expired.
  let refused = 0;
  await page.route(
    (url) => url.pathname.endsWith(".preview"),
    async (route) => {
      if (refused++ === 0) return route.fulfill({ status: 403, body: "Request has expired" });
      return route.continue();
    },
  );
  let listings = 0;
  page.on("request", (req) => {
    if (new URL(req.url()).pathname === "/api/files") listings++;
  });
  await page.evaluate(() => window.localStorage.setItem("uploads.libraryView", "grid"));
  await libraryPage.goto();
  const preview = page.getByTestId("card-preview");
  await expect.poll(() => naturalWidth(preview), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(refused).toBeGreaterThanOrEqual(2);
  expect(listings).toBe(2);
});
