import type { Page } from "@playwright/test";
import { multipartUploadIds, sha256OfObject } from "../testing/s3-direct";
import { expect, test, trayOf } from "./fixtures";
import { sha256OfFile, writeMp4 } from "../testing/files-on-disk";
import { MIB } from "../lib/units";

/**
 * One upload manager per tab (components/upload/upload-manager.tsx, mounted from the root layout):
 * uploads keep running while the person moves between pages, a tray shows them elsewhere, /files
 * lists what lands, and signing out asks what to do with what is still running.
 */

/** Default multipart part size (UPLOAD_PART_SIZE_MIB). */
const PART_BYTES = 16 * MIB;

/** One CDP session for the test's upload throttle, so a later setting replaces the earlier one. */
async function uploadThrottle(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  return (bytesPerSecond: number) =>
    cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

/** UploadPart PUTs to storage: how many times each part number was sent. */
function countPartPuts(page: Page, appOrigin: string): Map<number, number> {
  const sent = new Map<number, number>();
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin === appOrigin || req.method() !== "PUT" || !url.searchParams.has("partNumber")) return;
    const part = Number(url.searchParams.get("partNumber"));
    sent.set(part, (sent.get(part) ?? 0) + 1);
  });
  return sent;
}

const uploadStatus = (page: Page, id: string) =>
  page.evaluate(async (fileId) => (await (await fetch(`/api/uploads/${fileId}`)).json()) as { file: { status: string }; parts: { partNumber: number }[] }, id);
const myId = (page: Page) => page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id as string);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test("a multipart upload keeps running through /files and /settings, with the tray there, and /files lists it as it lands", async ({
  page,
  auth,
  newUser,
  uploadPage,
  libraryPage,
}, testInfo) => {
  test.setTimeout(180_000);
  const size = 120 * MIB + 7; // over the 100 MiB multipart threshold
  const file = await writeMp4(testInfo.outputPath("movie.mp4"), size);
  await auth.signUp(newUser);
  await uploadPage.goto();
  const appOrigin = new URL(page.url()).origin;
  const puts = countPartPuts(page, appOrigin);
  const apiCalls: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin === appOrigin && req.method() === "POST" && /^\/api\/uploads(\/batch|\/[^/]+\/complete)?$/.test(url.pathname)) apiCalls.push(url.pathname);
  });
  // Set on this document: still there at the end means no page load happened in between.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const throttle = await uploadThrottle(page);
  await throttle(6 * MIB);

  await uploadPage.addFiles([file]);
  const row = uploadPage.row("movie.mp4");
  await expect.poll(() => uploadPage.percent("movie.mp4"), { timeout: 60_000 }).toBeGreaterThan(0);
  const fileId = (await row.getAttribute("data-server-id"))!;
  expect(fileId).toBeTruthy();

  // Header links are client-side navigations: the upload goes on, and the tray shows it.
  const tray = trayOf(page);
  await page.getByTestId("files-link").click();
  await expect(page).toHaveURL(/\/files$/);
  await expect(page.getByRole("region", { name: "Uploads" })).toBeVisible();
  await expect(tray.getByTestId("tray-text")).toContainText("1 file left");
  const onFiles = Number(await tray.getByRole("progressbar").getAttribute("aria-valuenow"));

  await page.getByTestId("settings-link").click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(tray).toBeVisible();
  await expect.poll(async () => Number(await tray.getByRole("progressbar").getAttribute("aria-valuenow")), { timeout: 30_000 }).toBeGreaterThan(onFiles);

  // "Open queue": the same row, still sending, in the full queue.
  await tray.getByTestId("tray-open-queue").click();
  await expect(page).toHaveURL(/\/upload$/);
  await expect(row).toHaveAttribute("data-server-id", fileId);
  await expect(row).toHaveAttribute("data-status", "uploading");
  await expect(page.getByTestId("upload-tray")).toHaveCount(0);

  // On /files when it lands: the list refreshes by itself, and the tray goes away.
  await page.getByTestId("files-link").click();
  await expect(libraryPage.row("movie.mp4")).toBeVisible({ timeout: 120_000 });
  await expect(tray).toHaveCount(0);

  await page.getByTestId("upload-link").click();
  await expect(row).toHaveAttribute("data-status", "done");
  expect(await row.getAttribute("data-server-id")).toBe(fileId);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // One upload, done once: one create, one complete, every part sent exactly once.
  expect(apiCalls).toEqual(["/api/uploads", `/api/uploads/${fileId}/complete`]);
  expect([...puts.keys()].sort((a, b) => a - b)).toEqual(range(Math.ceil(size / PART_BYTES)));
  expect([...puts.values()].every((times) => times === 1)).toBe(true);
  expect(await sha256OfObject(`u/${await myId(page)}/${fileId}.mp4`)).toBe(await sha256OfFile(file));
});

test("the tray: progress, Pause all and Resume all from the keyboard, gone when idle; a hidden tab's title and notification say how it went", async ({
  page,
  auth,
  newUser,
  uploadPage,
}, testInfo) => {
  test.setTimeout(180_000);
  // A stand-in for the Notification API that records what is asked and shown.
  await page.addInitScript(() => {
    const calls = { requested: 0, shown: [] as Array<{ title: string; body?: string }> };
    class FakeNotification {
      static permission: NotificationPermission = "default";
      static async requestPermission() {
        calls.requested++;
        FakeNotification.permission = "granted";
        return FakeNotification.permission;
      }
      constructor(title: string, options?: NotificationOptions) {
        calls.shown.push({ title, body: options?.body });
      }
    }
    Object.defineProperty(window, "Notification", { value: FakeNotification, configurable: true, writable: true });
    Object.defineProperty(window, "__notifications", { value: calls });
  });
  const notifications = () => page.evaluate(() => (window as unknown as { __notifications: { requested: number; shown: unknown[] } }).__notifications);
  const file = await writeMp4(testInfo.outputPath("clip.mp4"), 101 * MIB);
  await auth.signUp(newUser);
  await uploadPage.goto();
  const throttle = await uploadThrottle(page);
  await throttle(4 * MIB);
  const startedAt = Date.now();
  await uploadPage.addFiles([file]);
  await expect.poll(() => uploadPage.percent("clip.mp4"), { timeout: 60_000 }).toBeGreaterThan(0);

  await page.getByTestId("settings-link").click();
  const tray = trayOf(page);
  await expect(tray).toBeVisible();
  await expect(tray.getByRole("progressbar")).toHaveAttribute("aria-valuetext", /1 file left · \d+%/);

  // Leaving the app from any page, not only /upload, asks first while something uploads.
  const leaving = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const asked = await leaving;
  expect(asked.type()).toBe("beforeunload");
  await asked.dismiss();
  expect(page.isClosed()).toBe(false);

  // Both are real buttons: focused and pressed from the keyboard.
  await tray.getByTestId("tray-pause-all").focus();
  await page.keyboard.press("Enter");
  await expect(tray.getByTestId("tray-text")).toContainText("paused");
  await tray.getByTestId("tray-resume-all").focus();
  await page.keyboard.press("Enter");
  await expect(tray.getByTestId("tray-pause-all")).toBeVisible();
  await expect(tray.getByTestId("tray-resume-all")).toHaveCount(0);

  // Permission is asked only from the button, never on load.
  expect((await notifications()).requested).toBe(0);
  await tray.getByTestId("notify-button").click();
  await expect(tray.getByTestId("notify-on")).toBeVisible();
  expect((await notifications()).requested).toBe(1);

  // The person switches tabs; the upload finishes meanwhile.
  const setVisibility = (state: "hidden" | "visible") =>
    page.evaluate((value) => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
      document.dispatchEvent(new Event("visibilitychange"));
    }, state);
  await setVisibility("hidden");
  await throttle(-1);
  await expect(tray).toHaveCount(0, { timeout: 120_000 });
  await expect(page).toHaveTitle("✓ 1 uploaded · Settings · Uploads");
  expect((await notifications()).shown).toEqual([{ title: "Uploads finished", body: "1 file stored." }]);
  const announcer = page.getByTestId("upload-announcer");
  await expect(announcer).toHaveText("Uploads finished: 1 file stored.");
  // Throttled: milestones and at most one progress announcement per 10 s, not one per progress event.
  const announcements = Number(await announcer.getAttribute("data-announcement-id"));
  expect(announcements).toBeLessThanOrEqual(3 + Math.ceil((Date.now() - startedAt) / 10_000));

  await setVisibility("visible");
  await expect(page).toHaveTitle("Settings · Uploads");
});

test("signing out mid-upload asks first; cancelling releases the file item and forgets the resume record", async ({ page, auth, newUser, uploadPage }, testInfo) => {
  test.setTimeout(120_000);
  const file = await writeMp4(testInfo.outputPath("clip.mp4"), 101 * MIB);
  await auth.signUp(newUser);
  await uploadPage.goto();
  const throttle = await uploadThrottle(page);
  await throttle(2 * MIB);
  await uploadPage.addFiles([file]);
  await expect.poll(() => uploadPage.percent("clip.mp4"), { timeout: 60_000 }).toBeGreaterThan(0);
  const fileId = (await uploadPage.row("clip.mp4").getAttribute("data-server-id"))!;
  const me = await myId(page);
  // A leave warning here would stop the sign-out's own navigation: dismissed, the test would hang.
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });

  await page.getByTestId("sign-out-link").click();
  const choice = page.getByTestId("sign-out-uploads");
  await expect(choice).toBeVisible();
  await expect(choice.getByTestId("sign-out-upload")).toHaveAttribute("data-name", "clip.mp4");
  await expect(page.getByTestId("confirm-sign-out")).toHaveCount(0);
  const released = page.waitForResponse((res) => res.request().method() === "DELETE" && new URL(res.url()).pathname === `/api/uploads/${fileId}`);
  await choice.getByTestId("sign-out-cancel-uploads").click();
  expect((await released).status()).toBe(204);
  await expect(page.getByTestId("signin-form")).toBeVisible();
  expect(dialogs).toEqual([]);

  // Signed in again: the upload is aborted in storage and on the server, and nothing offers to resume it.
  await auth.signIn(newUser);
  expect((await uploadStatus(page, fileId)).file.status).toBe("aborted");
  expect(await multipartUploadIds(`u/${me}/${fileId}.mp4`)).toEqual([]);
  await uploadPage.goto();
  await page.waitForTimeout(500);
  await expect(page.getByTestId("unfinished-uploads")).toHaveCount(0);
});

test("signing out with 'Keep resumable uploads' pauses a multipart upload; after signing in, picking the file sends only the missing parts", async ({
  page,
  auth,
  newUser,
  uploadPage,
}, testInfo) => {
  test.setTimeout(180_000);
  const size = 200 * MIB + 3;
  const file = await writeMp4(testInfo.outputPath("long.mp4"), size);
  await auth.signUp(newUser);
  await uploadPage.goto();
  const throttle = await uploadThrottle(page);
  await throttle(8 * MIB);
  await uploadPage.addFiles([file]);
  const row = uploadPage.row("long.mp4");
  await expect(row).toHaveAttribute("data-server-id", /.+/);
  const fileId = (await row.getAttribute("data-server-id"))!;
  // Some parts stored, then slow enough that it is surely still running while signing out.
  await expect.poll(async () => (await uploadStatus(page, fileId)).parts.length, { timeout: 90_000 }).toBeGreaterThan(0);
  await throttle(256 * 1024);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });

  await page.getByTestId("sign-out-link").click();
  const choice = page.getByTestId("sign-out-uploads");
  await expect(choice.getByTestId("sign-out-upload")).toContainText("can resume later");
  await choice.getByTestId("sign-out-keep-uploads").click();
  await expect(page.getByTestId("signin-form")).toBeVisible();
  expect(dialogs).toEqual([]);

  await auth.signIn(newUser);
  const kept = await uploadStatus(page, fileId);
  expect(kept.file.status).toBe("pending");
  const stored = kept.parts.map((part) => part.partNumber);
  expect(stored.length).toBeGreaterThan(0);

  // The resume record survived the sign-out: the page offers the upload, and the same file resumes it.
  await uploadPage.goto();
  const offer = page.getByTestId("unfinished-row").and(page.locator('[data-name="long.mp4"]'));
  await expect(offer).toBeVisible();
  await throttle(-1);
  const puts = countPartPuts(page, new URL(page.url()).origin);
  await offer.getByTestId("unfinished-file-input").setInputFiles([file]);
  await expect(row).toHaveAttribute("data-status", "done", { timeout: 120_000 });
  expect(await row.getAttribute("data-server-id")).toBe(fileId);
  expect([...puts.keys()].filter((part) => stored.includes(part))).toEqual([]);
  expect(new Set([...stored, ...puts.keys()]).size).toBe(Math.ceil(size / PART_BYTES));
  expect(await sha256OfObject(`u/${await myId(page)}/${fileId}.mp4`)).toBe(await sha256OfFile(file));
});
