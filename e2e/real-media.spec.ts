import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "@playwright/test";
import { planMedia, QUICK_SIZES, shownAspect } from "../testing/real-media/media-plan";
import { writeMedia } from "../testing/real-media/write-media";
import { expect, test } from "./fixtures";

/**
 * Issue 21, as a person does it: a folder of real photos (JPEG and PNG, portrait and landscape,
 * some JPEGs turned by EXIF) and phone videos dropped on /upload, then looked at in the grid.
 * Every file is done when its bytes are verified; every one then gets a preview that decodes to a
 * picture shaped as the file is shown (EXIF turn applied). A photo sent by the CLI, which makes no
 * preview, gets one from the grid the first time the grid shows it, stored for good.
 * The folder is drawn and recorded in this run's Chromium (testing/real-media/), once per run.
 */
const plan = planMedia(50, 2, { sizes: QUICK_SIZES });
const FOLDER = "Camera Roll";
/** Videos sit in a sub-folder of the dropped one. */
const place = (name: string) => (name.endsWith(".mp4") ? `Videos/${name}` : name);
/** Width over height each file is shown at, by name: a photo after its EXIF turn, a video as recorded. */
const shown = new Map([...plan.photos, ...plan.videos].map((media) => [media.name, shownAspect(media)]));
/** Preview sides are whole pixels at most 320 long, so a 148 × 320 preview of a 1170 × 2532 screenshot is off by a few tenths of a percent. */
const ASPECT_TOLERANCE = 0.02;

const run = promisify(execFile);
let tmp = "";
let media: Awaited<ReturnType<typeof writeMedia>>;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  tmp = await mkdtemp(path.join(os.tmpdir(), "e2e-real-media-"));
  media = await writeMedia(browser, path.join(tmp, FOLDER), plan, place);
  // This Chromium records MP4 (as e2e/previews.spec.ts checks): a folder without its videos would test less than it says.
  expect(media.videoType).not.toBeNull();
  expect(media.paths).toHaveLength(52);
});

test.afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

type Listed = { id: string; name: string; path: string | null; status: string; previewUrl: string | null; previewWanted: boolean };

async function listedFiles(page: Page): Promise<Listed[]> {
  return page.evaluate(async () => (await (await fetch("/api/files?limit=100")).json()).files);
}

/** The grid card of `name` once its preview has loaded: the picture's natural size. */
async function loadedPreview(page: Page, name: string): Promise<{ width: number; height: number }> {
  const card = page.getByTestId("file-card").and(page.locator(`[data-name=${JSON.stringify(name)}]`));
  // Previews load lazily: the card must come near the viewport for its picture to be fetched.
  await card.scrollIntoViewIfNeeded();
  const img = card.getByTestId("card-preview");
  await expect(img, `${name}: the placeholder turns into the picture`)
    .toBeVisible({ timeout: 30_000 })
    .catch(async (err: unknown) => {
      // Which of the two ways it failed: the preview never reached the list, or its picture did not load.
      const shows = (await card.getByTestId("card-preview-pending").count()) > 0 ? "the placeholder" : "the type icon (its picture failed to load)";
      const listed = (await listedFiles(page)).find((file) => file.name === name);
      throw new Error(`${name}: the card shows ${shows}; the API says previewUrl ${listed?.previewUrl ? "set" : "null"}, previewWanted ${listed?.previewWanted}`, { cause: err });
    });
  let size = { width: 0, height: 0 };
  await expect
    .poll(
      async () => {
        size = await img.evaluate((el: HTMLImageElement) => (el.complete ? { width: el.naturalWidth, height: el.naturalHeight } : { width: 0, height: 0 }));
        return size.width > 0 && size.height > 0;
      },
      { message: `${name}: the preview decodes`, timeout: 15_000 },
    )
    .toBe(true);
  return size;
}

function expectShapedAsShown(name: string, { width, height }: { width: number; height: number }) {
  const expected = shown.get(name)!;
  const aspect = width / height;
  expect(Math.abs(aspect / expected - 1), `${name}: preview ${width} × ${height} (${aspect.toFixed(3)}) vs shown ${expected.toFixed(3)}`).toBeLessThanOrEqual(ASPECT_TOLERANCE);
}

test("a dropped folder of 50 real photos and 2 videos: every file done, every one with a preview shaped as it is shown", async ({ page, auth, newUser, uploadPage }) => {
  test.setTimeout(120_000);
  const names = media.paths.map((file) => path.basename(file));
  await auth.signUp(newUser);
  await uploadPage.goto();

  await uploadPage.dropFolder(path.join(tmp, FOLDER));
  await expect(page.getByTestId("upload-row")).toHaveCount(52);
  await expect(page.getByTestId("upload-row").and(page.locator('[data-status="done"]'))).toHaveCount(52, { timeout: 60_000 });
  await expect(page.getByTestId("overall-progress-text")).toContainText("52 of 52 files done");
  for (const video of plan.videos) await expect(uploadPage.row(video.name)).toHaveAttribute("data-path", `${FOLDER}/Videos`);

  // On to the library by the app's own link, as a person would: previews still on their way keep going.
  await page.getByTestId("files-link").click();
  await expect(page.getByTestId("file-library")).toBeVisible();
  await page.getByTestId("view-grid").click();
  // The grid shows 50 at a time.
  await page.getByTestId("load-more").click();
  await expect(page.getByTestId("file-card")).toHaveCount(52);
  for (const name of names) expectShapedAsShown(name, await loadedPreview(page, name));

  const files = await listedFiles(page);
  expect(files.map((file) => file.name).sort()).toEqual([...names].sort());
  for (const file of files) {
    expect(file.status, file.name).toBe("uploaded");
    expect(file.previewUrl, file.name).toBeTruthy();
    expect(file.previewWanted, file.name).toBe(false);
  }
});

test("a photo sent by the CLI has no preview until the grid shows it once; then it has one, stored", async ({ page, auth, newUser, baseURL }) => {
  // A JPEG stored sideways with EXIF 6, so the preview made from the stored file must turn it too.
  const photo = plan.photos.find((spec) => spec.orientation === 6)!;
  const file = media.paths.find((p) => path.basename(p) === photo.name)!;
  await auth.signUp(newUser);
  const token = await page.evaluate(async () => {
    const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "cli" }) });
    return (await res.json()).secret as string;
  });

  const { stdout } = await run("npm", ["run", "upload", "--", file, "--url", baseURL!, "--token", token]);
  expect(stdout).toContain(`uploaded ${photo.name}`);
  const [sent] = await listedFiles(page);
  expect(sent).toMatchObject({ name: photo.name, status: "uploaded", previewUrl: null, previewWanted: true });

  await page.goto("/files");
  await page.getByTestId("view-grid").click();
  expectShapedAsShown(photo.name, await loadedPreview(page, photo.name));
  await expect.poll(async () => (await listedFiles(page))[0]).toMatchObject({ previewWanted: false, previewUrl: expect.any(String) });

  // Stored, not only in this tab: a fresh load of the grid shows it straight away, making none.
  let planned = 0;
  page.on("request", (req) => {
    if (req.method() === "POST" && new URL(req.url()).pathname === "/api/previews") planned++;
  });
  await page.reload();
  await expect(page.getByTestId("file-library")).toHaveAttribute("data-view", "grid");
  expectShapedAsShown(photo.name, await loadedPreview(page, photo.name));
  expect(planned).toBe(0);
});
