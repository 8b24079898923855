import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page, Request, TestInfo } from "@playwright/test";
import { expect, test, throttleUploads } from "./fixtures";
import { MIB } from "../lib/units";
import { sha256OfFile } from "../testing/files-on-disk";

/** Leading bytes of each kind, so the files look like what their names say. */
const MAGIC: Record<string, Buffer> = {
  ".png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  ".gif": Buffer.from("GIF89a"),
  ".mp3": Buffer.from("ID3"),
  ".mp4": Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]),
  ".html": Buffer.from("<!doctype html><p>notes</p>"),
};

/** A file of exactly `size` bytes on disk (setInputFiles streams paths; buffers are capped at 50 MB). */
async function makeFile(testInfo: TestInfo, name: string, size: number): Promise<string> {
  const file = testInfo.outputPath(name);
  const bytes = Buffer.alloc(size, 0x2a);
  MAGIC[path.extname(name)]?.copy(bytes);
  await writeFile(file, bytes);
  return file;
}

async function listedFiles(page: Page): Promise<{ name: string; size: number; status: string; checksum: string | null }[]> {
  return page.evaluate(async () => (await (await fetch("/api/files")).json()).files);
}

test("uploads at the chosen concurrency, rejects a disallowed type, cancels mid-way, and lists exact sizes", async ({
  page,
  auth,
  newUser,
  uploadPage,
  filesPage,
}, testInfo) => {
  const sizes = { "big.mp4": 40 * MIB, "photo.png": 150_001, "song.mp3": MIB + 1, "anim.gif": 70_003, "notes.html": 2_048 };
  const files = await Promise.all(Object.entries(sizes).map(([name, size]) => makeFile(testInfo, name, size)));

  await auth.signUp(newUser);
  await expect(page).toHaveURL(/\/upload$/);
  await uploadPage.goto();
  await uploadPage.setConcurrency(2);
  await uploadPage.trackActiveCount();

  // Watch the wire: what the server is asked to sign, and how many transfers to storage overlap.
  const appOrigin = new URL(page.url()).origin;
  const requestedNames: string[] = [];
  // A small file's one request: a POST form as shipped on MinIO, a PUT on stores without POST Object.
  const isStorageUpload = (req: Request) => (req.method() === "PUT" || req.method() === "POST") && new URL(req.url()).origin !== appOrigin;
  const startedAt = new Map<Request, number>();
  const transfers: Array<[start: number, end: number]> = [];
  page.on("request", (req) => {
    const { pathname } = new URL(req.url());
    if (req.method() === "POST" && pathname === "/api/uploads") requestedNames.push(req.postDataJSON().name);
    // Small files are created ahead, many per request.
    if (req.method() === "POST" && pathname === "/api/uploads/batch") requestedNames.push(...req.postDataJSON().files.map((f: { name: string }) => f.name));
    if (isStorageUpload(req)) startedAt.set(req, performance.now());
  });
  // Only transfers that finished: a cancelled one's failure event can reach the test after the
  // next file's request has started, though the page dropped it before starting that file.
  page.on("requestfinished", (req) => {
    const start = startedAt.get(req);
    if (start !== undefined) transfers.push([start, performance.now()]);
  });
  const maxOverlap = () => Math.max(0, ...transfers.map(([at]) => transfers.filter(([start, end]) => start <= at && at < end).length));

  await throttleUploads(page, 4 * MIB);
  await uploadPage.addFiles(files);

  await expect(uploadPage.row("notes.html")).toHaveAttribute("data-status", "rejected");
  await expect(uploadPage.row("notes.html").getByTestId("rejection-reason")).toContainText("text/html");

  // Cancel the big file while its bytes are moving.
  const big = uploadPage.row("big.mp4");
  await expect.poll(() => uploadPage.percent("big.mp4")).toBeGreaterThan(0);
  expect(await uploadPage.percent("big.mp4")).toBeLessThan(100);
  const cancelled = page.waitForResponse((res) => res.request().method() === "DELETE" && /^\/api\/uploads\/[^/]+$/.test(new URL(res.url()).pathname));
  await big.getByTestId("cancel-button").click();
  await expect(big).toHaveAttribute("data-status", "cancelled");
  expect((await cancelled).status()).toBe(204);

  for (const name of ["photo.png", "song.mp3", "anim.gif"]) {
    await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(uploadPage.row(name).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  }
  await expect(big).toHaveAttribute("data-status", "cancelled");
  await expect(uploadPage.queue).toHaveAttribute("data-active-count", "0");
  await expect(page.getByTestId("overall-progress")).toContainText("3 of 3 files done");

  expect(requestedNames.sort()).toEqual(["anim.gif", "big.mp4", "photo.png", "song.mp3"]);
  expect(await uploadPage.maxActiveCount()).toBe(2);
  expect(maxOverlap()).toBeLessThanOrEqual(2);

  // The API agrees: the cancelled file was never recorded as uploaded.
  const listed = await listedFiles(page);
  expect(listed.map((f) => f.name).sort()).toEqual(["anim.gif", "photo.png", "song.mp3"]);
  // Each went by a form bound to its SHA-256, which the page hashed first: the store took only
  // those bytes, and complete had nothing to copy (docs/api.md, "A form bound to the file's SHA-256").
  const pathOf = new Map(Object.keys(sizes).map((name, i) => [name, files[i]!]));
  for (const file of listed) expect(file.checksum).toBe(`SHA256:${await sha256OfFile(pathOf.get(file.name)!, "base64")}`);

  await filesPage.goto();
  await expect(filesPage.rows).toHaveCount(3);
  expect(await filesPage.sizes()).toEqual({ "photo.png": sizes["photo.png"], "song.mp3": sizes["song.mp3"], "anim.gif": sizes["anim.gif"] });

  // The setting survives a reload.
  await uploadPage.goto();
  await expect(page.getByTestId("concurrency-input")).toHaveValue("2");
});

test("storage refusing the upload fails the row clearly, and retry sends it", async ({ page, auth, newUser, uploadPage }, testInfo) => {
  const file = await makeFile(testInfo, "refused.png", 10_000);
  await auth.signUp(newUser);
  await uploadPage.goto();
  const appOrigin = new URL(page.url()).origin;

  // Storage answers the way S3 does when a POST breaks its policy.
  const toStorage = (url: URL) => url.origin !== appOrigin;
  await page.route(toStorage, (route) =>
    route.fulfill({
      status: 403,
      contentType: "application/xml",
      headers: { "access-control-allow-origin": appOrigin },
      body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>',
    }),
  );
  const released = page.waitForResponse((res) => res.request().method() === "DELETE" && new URL(res.url()).pathname.startsWith("/api/uploads/"));
  await uploadPage.addFiles([file]);

  const row = uploadPage.row("refused.png");
  await expect(row).toHaveAttribute("data-status", "failed");
  await expect(row.getByTestId("failure-reason")).toContainText("Storage refused the upload (AccessDenied)");
  expect((await released).status()).toBe(204);
  expect(await listedFiles(page)).toEqual([]);

  await page.unroute(toStorage);
  await row.getByTestId("retry-button").click();
  await expect(row).toHaveAttribute("data-status", "done");
  expect((await listedFiles(page)).map((f) => [f.name, f.size])).toEqual([["refused.png", 10_000]]);
});

test("files dropped on the drop zone, or picked from the keyboard, upload", async ({ page, auth, newUser, uploadPage }) => {
  await auth.signUp(newUser);
  await uploadPage.goto();

  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    const bytes = new Uint8Array(4_321);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    transfer.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
    transfer.items.add(new File(["<p>no</p>"], "page.html", { type: "text/html" }));
    return transfer;
  });
  await page.getByTestId("drop-zone").dispatchEvent("dragenter", { dataTransfer });
  await expect(page.getByTestId("drop-zone")).toHaveClass(/active/);
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByTestId("drop-zone")).not.toHaveClass(/active/);
  await expect(uploadPage.row("dropped.png")).toHaveAttribute("data-status", "done");
  await expect(uploadPage.row("page.html")).toHaveAttribute("data-status", "rejected");

  await page.getByTestId("drop-zone").focus();
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles({ name: "typed.gif", mimeType: "image/gif", buffer: Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(994)]) });
  await expect(uploadPage.row("typed.gif")).toHaveAttribute("data-status", "done");

  const listed = await listedFiles(page);
  expect(listed.map((f) => [f.name, f.size]).sort()).toEqual([
    ["dropped.png", 4_321],
    ["typed.gif", 1_000],
  ]);
});

test("small files get their file items ahead in one batch; cancelling a waiting one releases its file item", async ({ page, auth, newUser, uploadPage }, testInfo) => {
  const names = ["first.png", "second.png", "third.png", "fourth.png"];
  const files = await Promise.all(names.map((name) => makeFile(testInfo, name, 200_000)));
  await auth.signUp(newUser);
  await uploadPage.goto();
  await uploadPage.setConcurrency(1);
  await throttleUploads(page, 400_000);

  const batch = page.waitForResponse((res) => res.request().method() === "POST" && new URL(res.url()).pathname === "/api/uploads/batch");
  await uploadPage.addFiles(files);
  const { results } = (await (await batch).json()) as { results: Array<{ status: number; file: { id: string; name: string } }> };
  expect(results.map((r) => [r.status, r.file.name])).toEqual(names.map((name) => [201, name]));
  const third = results[2]!.file.id;

  await expect(uploadPage.row("first.png")).toHaveAttribute("data-status", "uploading");
  await expect(uploadPage.row("third.png")).toHaveAttribute("data-status", "waiting");
  const released = page.waitForResponse((res) => res.request().method() === "DELETE" && new URL(res.url()).pathname === `/api/uploads/${third}`);
  await uploadPage.row("third.png").getByTestId("cancel-button").click();
  expect((await released).status()).toBe(204);

  for (const name of ["first.png", "second.png", "fourth.png"]) await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(uploadPage.row("third.png")).toHaveAttribute("data-status", "cancelled");
  expect((await listedFiles(page)).map((f) => f.name).sort()).toEqual(["first.png", "fourth.png", "second.png"]);
  const thirdStatus = await page.evaluate(async (id) => (await (await fetch(`/api/uploads/${id}`)).json()).file.status, third);
  expect(thirdStatus).toBe("aborted");
});

test("leaving mid-upload asks first", async ({ page, auth, newUser, uploadPage }, testInfo) => {
  const file = await makeFile(testInfo, "slow.mp4", 20 * MIB);
  await auth.signUp(newUser);
  await uploadPage.goto();
  await throttleUploads(page, 2 * MIB);
  await uploadPage.addFiles([file]);
  await expect(uploadPage.row("slow.mp4")).toHaveAttribute("data-status", "uploading");
  // Chromium only asks on pages the person has interacted with.
  await page.getByRole("heading", { name: "Upload files" }).click();

  const dialog = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const asked = await dialog;
  expect(asked.type()).toBe("beforeunload");
  await asked.dismiss();
  expect(page.isClosed()).toBe(false);
  await uploadPage.row("slow.mp4").getByTestId("cancel-button").click();
  await expect(uploadPage.row("slow.mp4")).toHaveAttribute("data-status", "cancelled");
});

test("the upload and files pages send signed-out visitors to sign in, and back", async ({ page, auth, newUser }) => {
  await auth.signUp(newUser);
  await auth.signOut();
  for (const target of ["/upload", "/files"]) {
    await page.goto(target);
    await page.waitForURL(/\/signin\?/);
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(target);
  }
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill(newUser.password);
  await page.getByTestId("submit-button").click();
  await expect(page).toHaveURL(/\/files$/);
  await expect(page.getByTestId("file-list-empty")).toBeVisible();
});
