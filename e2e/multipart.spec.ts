import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { multipartUploadIds, sha256OfObject } from "../testing/s3-direct";
import { MP4_FTYP_HEADER } from "../testing/file-signatures";
import { expect, test, throttleUploads } from "./fixtures";
import { MIB } from "../lib/units";

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file).on("data", (chunk) => hash.update(chunk)).on("end", () => resolve(hash.digest("hex"))).on("error", reject);
  });
}

/** Part numbers of UploadPart PUTs to storage, as the page sends them. */
function recordPartPuts(page: Page): number[] {
  const sent: number[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (req.method() === "PUT" && url.searchParams.has("partNumber")) sent.push(Number(url.searchParams.get("partNumber")));
  });
  return sent;
}

test("a 300 MiB file: multipart with pause and resume, then a reload mid-way resumes sending only missing parts", async ({
  page,
  auth,
  newUser,
  uploadPage,
}, testInfo) => {
  test.setTimeout(240_000);
  const size = 300 * MIB + 12_345;
  const file = testInfo.outputPath("holiday.mp4");
  const bytes = randomBytes(size);
  // Random bytes can look like MP3 frames; start with an MP4 ftyp box, as the name says.
  MP4_FTYP_HEADER.copy(bytes);
  await writeFile(file, bytes);
  page.on("dialog", (dialog) => dialog.accept()); // the leave-page warning on reload

  await auth.signUp(newUser);
  await uploadPage.goto();
  await throttleUploads(page, 40 * MIB);
  let sent = recordPartPuts(page);
  await uploadPage.addFiles([file]);
  const row = uploadPage.row("holiday.mp4");
  await expect(row).toHaveAttribute("data-status", "uploading");
  await expect.poll(() => uploadPage.percent("holiday.mp4"), { timeout: 60_000 }).toBeGreaterThan(5);

  // Pause: nothing new goes out until resume.
  await row.getByTestId("pause-button").click();
  await expect(row).toHaveAttribute("data-status", "paused");
  const whilePaused = sent.length;
  await page.waitForTimeout(1500);
  expect(sent.length).toBe(whilePaused);
  await row.getByTestId("resume-button").click();
  await expect(row).toHaveAttribute("data-status", "uploading");
  await expect.poll(() => uploadPage.percent("holiday.mp4"), { timeout: 60_000 }).toBeGreaterThan(35);

  // Reload in the middle, then pick the same file again.
  const fileId = await row.getAttribute("data-server-id");
  expect(fileId).toBeTruthy();
  const before = await page.evaluate(async (id) => (await (await fetch(`/api/uploads/${id}`)).json()).parts as { partNumber: number }[], fileId);
  const storedBefore = before.map((p) => p.partNumber);
  expect(storedBefore.length).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByTestId("upload-queue")).toHaveAttribute("data-ready", "true");
  // Parts that were on the wire finish between that listing and the reload; with no page sending
  // now, this listing is what the resumed upload starts from.
  const storedAtReload = (
    await page.evaluate(async (id) => (await (await fetch(`/api/uploads/${id}`)).json()).parts as { partNumber: number }[], fileId)
  ).map((p) => p.partNumber);
  console.log(`[multipart] parts stored before the reload: ${storedBefore.length}, once reloaded: ${storedAtReload.length}`);
  // The page offers the unfinished upload with what the server holds of it, and resumes it when
  // the same file is picked from that offer.
  const offer = page.getByTestId("unfinished-row").and(page.locator('[data-name="holiday.mp4"]'));
  await expect(offer.getByTestId("unfinished-progress")).toHaveText(/^\d+% of 300 MiB sent$/);
  const offered = Number((await offer.getByTestId("unfinished-progress").textContent())!.split("%")[0]);
  const storedBytes = (await page.evaluate(async (id) => (await (await fetch(`/api/uploads/${id}`)).json()).parts as { size: number }[], fileId)).reduce(
    (sum, part) => sum + part.size,
    0,
  );
  expect(offered).toBe(Math.floor((storedBytes * 100) / size));
  expect(offered).toBeGreaterThan(0);
  await throttleUploads(page, 200 * MIB);
  sent = recordPartPuts(page);
  await offer.getByTestId("unfinished-file-input").setInputFiles([file]);
  const resumed = uploadPage.row("holiday.mp4");
  await expect(page.getByTestId("unfinished-uploads")).toHaveCount(0);
  await expect(resumed).toHaveAttribute("data-status", "done", { timeout: 180_000 });
  expect(await resumed.getAttribute("data-server-id")).toBe(fileId);

  // Only missing parts went out after the reload, and every part was sent at least once overall.
  expect(sent.filter((n) => storedAtReload.includes(n))).toEqual([]);
  const partCount = Math.ceil(size / (16 * MIB));
  expect(new Set([...storedAtReload, ...sent]).size).toBe(partCount);

  const listed = await page.evaluate(async () => (await (await fetch("/api/files")).json()).files);
  const stored = listed.find((f: { id: string }) => f.id === fileId);
  expect(stored).toMatchObject({ size, status: "uploaded" });
  expect(stored.checksum).toMatch(new RegExp(`^CRC32:[A-Za-z0-9+/]{6}==-${partCount}$`));

  const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  const key = `u/${me}/${fileId}.mp4`;
  expect(await sha256OfObject(key)).toBe(await sha256OfFile(file));
  expect(await multipartUploadIds(key)).toEqual([]);
});

test("an unfinished upload offered after a reload refuses a different file, and Discard aborts it", async ({ page, auth, newUser, uploadPage }, testInfo) => {
  test.setTimeout(120_000);
  const size = 101 * MIB; // just over the multipart threshold
  const file = testInfo.outputPath("clip.mp4");
  const bytes = randomBytes(size);
  MP4_FTYP_HEADER.copy(bytes);
  await writeFile(file, bytes);
  const other = testInfo.outputPath("other.mp4");
  await writeFile(other, bytes.subarray(0, 2 * MIB));

  await auth.signUp(newUser);
  await uploadPage.goto();
  await throttleUploads(page, 4 * MIB);
  await uploadPage.addFiles([file]);
  const row = uploadPage.row("clip.mp4");
  await expect.poll(() => uploadPage.percent("clip.mp4"), { timeout: 60_000 }).toBeGreaterThan(0);
  const fileId = await row.getAttribute("data-server-id");
  page.on("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await expect(page.getByTestId("upload-queue")).toHaveAttribute("data-ready", "true");

  const offer = page.getByTestId("unfinished-row").and(page.locator('[data-name="clip.mp4"]'));
  await expect(offer).toBeVisible();
  await offer.getByTestId("unfinished-file-input").setInputFiles([other]);
  await expect(offer.getByTestId("unfinished-message")).toContainText("That is a different file. Pick clip.mp4");
  await expect(page.getByTestId("upload-row")).toHaveCount(0);

  const discarded = page.waitForResponse((res) => res.request().method() === "DELETE" && new URL(res.url()).pathname === `/api/uploads/${fileId}`);
  await offer.getByTestId("unfinished-discard-button").click();
  expect((await discarded).status()).toBe(204);
  await expect(page.getByTestId("unfinished-uploads")).toHaveCount(0);
  const status = await page.evaluate(async (id) => (await (await fetch(`/api/uploads/${id}`)).json()).file.status, fileId);
  expect(status).toBe("aborted");
  const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  expect(await multipartUploadIds(`u/${me}/${fileId}.mp4`)).toEqual([]);

  // Gone for good: a reload offers nothing.
  await page.reload();
  await expect(page.getByTestId("upload-queue")).toHaveAttribute("data-ready", "true");
  await page.waitForTimeout(500);
  await expect(page.getByTestId("unfinished-uploads")).toHaveCount(0);
});
