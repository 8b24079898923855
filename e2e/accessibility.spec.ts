import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { PNG_SIGNATURE } from "../testing/file-signatures";
import { expect, test } from "./fixtures";

/** Impacts that fail the check; "minor" and "moderate" findings are left to review. */
const BLOCKING = new Set(["serious", "critical"]);

/** Runs axe-core on the page as it is now; the failure names each rule and the elements it flagged. */
async function expectAccessible(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(" | ")}`);
  expect(blocking, `serious or critical axe-core violations on ${what}`).toEqual([]);
}

test("the signed-out pages: sign in, sign up, a shared file, a dead share link", async ({ page, browser, auth, newUser, uploadPage, libraryPage }, testInfo) => {
  await page.goto("/signin");
  await expect(page.getByTestId("signin-form")).toBeVisible();
  await expectAccessible(page, "/signin");
  await page.goto("/signup");
  await expect(page.getByTestId("signup-form")).toBeVisible();
  await expectAccessible(page, "/signup");

  // A shared file needs an owner and a link; the visitor has no session.
  const path = testInfo.outputPath("shared.png");
  await writeFile(path, Buffer.concat([PNG_SIGNATURE, randomBytes(4_000)]));
  await auth.signUp(newUser);
  await uploadPage.goto();
  await uploadPage.addFiles([path]);
  await expect(uploadPage.row("shared.png")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await libraryPage.goto();
  await libraryPage.row("shared.png").getByTestId("share-button").click();
  await page.getByTestId("share-create").click();
  const url = await page.getByTestId("share-url").inputValue();

  // axe-core/playwright needs a page of a context made with browser.newContext().
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto(url);
  await expect(visitor.getByTestId("shared-file")).toBeVisible();
  await expectAccessible(visitor, "/s/{token}");
  const dead = await visitor.goto(url.replace(/\/s\/.*$/, `/s/${randomBytes(32).toString("base64url")}`));
  expect(dead?.status()).toBe(404);
  await expect(visitor.getByTestId("share-not-found")).toBeVisible();
  await expectAccessible(visitor, "the share 404 page");
  await context.close();
});

test("the signed-in pages: upload with a queue, files as list and grid with the share dialog and the lightbox, settings with a token, sign out", async ({
  page,
  auth,
  newUser,
  uploadPage,
  libraryPage,
}, testInfo) => {
  await auth.signUp(newUser);

  // /upload with rows: one done, one refused by type.
  const photo = testInfo.outputPath("photo.png");
  const refused = testInfo.outputPath("program.exe");
  await writeFile(photo, Buffer.concat([PNG_SIGNATURE, randomBytes(20_000)]));
  await writeFile(refused, randomBytes(1_000));
  await uploadPage.goto();
  await uploadPage.addFiles([photo, refused]);
  await expect(uploadPage.row("photo.png")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(uploadPage.row("program.exe")).toHaveAttribute("data-status", "rejected");
  await expectAccessible(page, "/upload with a queue");

  // /files as a list, with the share dialog open and a link made (the shown-once panel and the links table).
  await libraryPage.goto();
  await page.getByTestId("view-list").click();
  await expect(libraryPage.row("photo.png")).toBeVisible();
  await expectAccessible(page, "/files (list)");
  await libraryPage.row("photo.png").getByTestId("share-button").click();
  const dialog = page.getByTestId("share-dialog");
  await dialog.getByTestId("share-create").click();
  await expect(dialog.getByTestId("share-created")).toBeVisible();
  await expect(dialog.getByTestId("share-link-row")).toHaveCount(1);
  await dialog.getByTestId("share-link-revoke-button").click();
  await expect(dialog.getByTestId("share-link-revoke-confirm")).toBeVisible();
  await expectAccessible(page, "/files with the share dialog open");
  await dialog.getByTestId("share-close").click();
  await expect(dialog).toHaveCount(0);

  // /files as a grid.
  await page.getByTestId("view-grid").click();
  await expect(page.getByTestId("file-card")).toHaveCount(1);
  await expectAccessible(page, "/files (grid)");
  await page.getByTestId("card-open").click();
  await expect(page.getByTestId("lightbox")).toBeVisible();
  await expectAccessible(page, "/files with the lightbox open");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("lightbox")).toHaveCount(0);

  // /settings with a token: the shown-once secret, then the table with a revoke being confirmed.
  await page.getByTestId("settings-link").click();
  await page.getByTestId("token-name-input").fill("a11y check");
  await page.getByTestId("token-create-button").click();
  await expect(page.getByTestId("token-secret-panel")).toBeVisible();
  await expect(page.getByTestId("token-row")).toHaveCount(1);
  await expectAccessible(page, "/settings with a new token");
  await page.getByTestId("token-secret-dismiss").click();
  await page.getByTestId("token-revoke-button").click();
  await expect(page.getByTestId("token-revoke-confirm")).toBeVisible();
  await expectAccessible(page, "/settings confirming a revoke");

  await page.getByTestId("sign-out-link").click();
  await expect(page.getByTestId("confirm-sign-out")).toBeEnabled();
  await expectAccessible(page, "/signout");
});
