import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { expect, test } from "./fixtures";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

test("shares a file: a link made on /files downloads the same bytes signed out, and 404s once revoked", async ({
  page,
  browser,
  auth,
  newUser,
  uploadPage,
  libraryPage,
}, testInfo) => {
  const name = "shared photo.png";
  const bytes = randomBytes(200_003);
  PNG.copy(bytes);
  const path = testInfo.outputPath(name);
  await writeFile(path, bytes);

  await auth.signUp(newUser);
  await uploadPage.goto();
  await uploadPage.addFiles([path]);
  await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });

  // Make a link with a limit of 3 downloads.
  await libraryPage.goto();
  await libraryPage.row(name).getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name: `Share ${name}` })).toBeVisible();
  await expect(dialog.getByTestId("share-links-empty")).toBeVisible();
  await dialog.getByLabel("Expires after").selectOption({ label: "1 day" });
  await dialog.getByLabel("Download limit (optional)").fill("3");
  await dialog.getByTestId("share-create").click();
  const url = await dialog.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(dialog.getByTestId("share-link-row")).toHaveCount(1);
  await expect(dialog.getByTestId("share-link-downloads")).toHaveText("0 of 3");

  // A visitor without a session opens it and downloads the stored bytes.
  const visitor = await browser.newContext({ acceptDownloads: true });
  const visit = await visitor.newPage();
  const res = await visit.goto(url);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(visit.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await expect(visit.getByTestId("shared-file-name")).toHaveText(name);
  await expect(visit.getByTestId("shared-file-size")).toHaveAttribute("data-bytes", String(bytes.length));
  const downloading = visit.waitForEvent("download");
  await visit.getByTestId("shared-file-download").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(name);
  expect(sha256(await readFile((await download.path())!))).toBe(sha256(bytes));

  // The owner sees it counted (the list refreshes when the dialog reopens).
  await dialog.getByTestId("share-close").click();
  await expect(dialog).toHaveCount(0);
  await libraryPage.row(name).getByTestId("share-button").click();
  await expect(dialog.getByTestId("share-link-downloads")).toHaveText("1 of 3");
  await expect(dialog.getByTestId("share-link-last-used")).not.toHaveText("Never");

  // Revoking asks first, as for tokens: focus lands on the confirm, and Keep leaves the link listed.
  await dialog.getByTestId("share-link-revoke-button").click();
  await expect(dialog.getByTestId("share-link-revoke-confirm")).toBeFocused();
  await dialog.getByTestId("share-link-revoke-cancel").click();
  await expect(dialog.getByTestId("share-link-revoke-button")).toBeFocused();
  await expect(dialog.getByTestId("share-link-row")).toHaveCount(1);

  // Revoked: the same page answers 404 with the page every dead link gets.
  await dialog.getByTestId("share-link-revoke-button").click();
  await dialog.getByTestId("share-link-revoke-confirm").click();
  await expect(dialog.getByTestId("share-links-empty")).toBeVisible();
  const after = await visit.goto(url);
  expect(after?.status()).toBe(404);
  await expect(visit.getByTestId("share-not-found")).toBeVisible();
  const revokedText = await visit.getByTestId("share-not-found").innerText();
  const unknown = await visit.goto(url.replace(/\/s\/.*$/, `/s/${randomBytes(32).toString("base64url")}`));
  expect(unknown?.status()).toBe(404);
  expect(await visit.getByTestId("share-not-found").innerText()).toBe(revokedText);
  const downloadAfter = await visit.request.get(`${url}/download`, { maxRedirects: 0 });
  expect(downloadAfter.status()).toBe(404);
  await visitor.close();
});
