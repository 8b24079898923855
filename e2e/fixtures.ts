import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";

/**
 * Signing up or in hashes the password (scrypt, ~0.3 s alone) once or twice; with several browsers
 * at it on a busy 2-core runner that alone has taken 4 s, so the signed-in header gets longer than
 * the default 5 s to appear.
 */
const SIGN_IN_MS = 20_000;

export class AuthPages {
  constructor(private readonly page: Page) {}

  async signUp(user: { email: string; password: string; name?: string }) {
    await this.page.goto("/signup");
    if (user.name) await this.page.getByTestId("name-input").fill(user.name);
    await this.page.getByTestId("email-input").fill(user.email);
    await this.page.getByTestId("password-input").fill(user.password);
    await this.page.getByTestId("submit-button").click();
    await expect(this.page.getByTestId("signed-in-user")).toContainText(user.email, { timeout: SIGN_IN_MS });
  }

  async signIn(user: { email: string; password: string }) {
    await this.page.goto("/signin");
    await this.page.getByTestId("email-input").fill(user.email);
    await this.page.getByTestId("password-input").fill(user.password);
    await this.page.getByTestId("submit-button").click();
    await expect(this.page.getByTestId("signed-in-user")).toContainText(user.email, { timeout: SIGN_IN_MS });
  }

  async signOut() {
    await this.page.getByTestId("sign-out-link").click();
    await this.page.getByTestId("confirm-sign-out").click();
    await expect(this.page.getByTestId("signin-form")).toBeVisible();
  }
}

export class UploadPage {
  constructor(private readonly page: Page) {}

  get queue() {
    return this.page.getByTestId("upload-queue");
  }

  /** Waits for hydration: a file picked before React attaches its handlers would be lost. */
  async goto() {
    await this.page.goto("/upload");
    await expect(this.queue).toHaveAttribute("data-ready", "true");
  }

  row(name: string) {
    return this.page.getByTestId("upload-row").and(this.page.locator(`[data-name=${JSON.stringify(name)}]`));
  }

  async setConcurrency(value: number) {
    const input = this.page.getByTestId("concurrency-input");
    await input.fill(String(value));
    await input.blur();
    await expect(input).toHaveValue(String(value));
  }

  async addFiles(paths: string[]) {
    await this.page.getByTestId("file-input").setInputFiles(paths);
  }

  /** A whole folder, as "Choose folder" picks it (an `<input webkitdirectory>`). */
  async addFolder(dir: string) {
    await this.page.getByTestId("folder-input").setInputFiles(dir);
  }

  /**
   * Drops the folder `dir` (its files and sub-folders, real files from disk) on the drop zone, as
   * a person drags it from their file manager. Playwright cannot drag a directory: the files are
   * handed to the page through a detached file input (so they stay disk-backed), and the drop
   * event carries a directory entry tree over them, read by the page as Chromium's would be.
   */
  async dropFolder(dir: string) {
    const files: string[] = [];
    const walk = async (folder: string) => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (entry.isDirectory()) await walk(path.join(folder, entry.name));
        else files.push(path.join(folder, entry.name));
      }
    };
    await walk(dir);
    const input = await this.page.evaluateHandle(() => Object.assign(document.createElement("input"), { type: "file", multiple: true }));
    await input.setInputFiles(files);
    const fullPaths = files.map((file) => `/${path.basename(dir)}/${path.relative(dir, file).split(path.sep).join("/")}`);
    await this.page.evaluate(
      ([picker, paths]) => {
        type Entry = Record<string, unknown>;
        const picked = Array.from(picker.files ?? []);
        const folders = new Map<string, Entry[]>();
        const folder = (fullPath: string): Entry[] => {
          let children = folders.get(fullPath);
          if (!children) {
            children = [];
            folders.set(fullPath, children);
            const parent = fullPath.slice(0, fullPath.lastIndexOf("/"));
            const entries = children;
            // One readEntries batch with everything, then the empty one that ends it, as Chromium answers.
            const createReader = () => {
              let done = false;
              return { readEntries: (ok: (batch: Entry[]) => void) => setTimeout(() => ok(done ? [] : ((done = true), entries)), 0) };
            };
            const entry = { isFile: false, isDirectory: true, fullPath, createReader };
            if (parent) folder(parent).push(entry);
            else folders.set("", [entry]);
          }
          return children;
        };
        paths.forEach((fullPath, i) => {
          const file = picked[i]!;
          folder(fullPath.slice(0, fullPath.lastIndexOf("/"))).push({ isFile: true, isDirectory: false, name: file.name, fullPath, file: (ok: (f: File) => void) => ok(file) });
        });
        const [root] = folders.get("")!;
        const drop = new DragEvent("drop", { bubbles: true, cancelable: true });
        const items = [{ kind: "file", webkitGetAsEntry: () => root, getAsFile: () => null }];
        Object.defineProperty(drop, "dataTransfer", { value: { items, files: [], types: ["Files"], dropEffect: "none" } });
        document.querySelector('[data-testid="drop-zone"]')!.dispatchEvent(drop);
      },
      [input, fullPaths] as const,
    );
    await input.dispose();
  }

  /** The row's progress bar value, 0..100. */
  async percent(name: string): Promise<number> {
    return Number(await this.row(name).getByRole("progressbar").getAttribute("aria-valuenow"));
  }

  /**
   * Records the highest data-active-count the queue ever shows. Mutation records keep each old
   * value, so a rise and fall inside one task is still seen.
   */
  async trackActiveCount() {
    await this.queue.evaluate((queue) => {
      const read = (value: string | null) => Number(value ?? 0);
      const w = window as unknown as { __maxActive: number };
      w.__maxActive = read(queue.getAttribute("data-active-count"));
      new MutationObserver((records) => {
        for (const record of records) w.__maxActive = Math.max(w.__maxActive, read(record.oldValue));
        w.__maxActive = Math.max(w.__maxActive, read(queue.getAttribute("data-active-count")));
      }).observe(queue, { attributes: true, attributeFilter: ["data-active-count"], attributeOldValue: true });
    });
  }

  async maxActiveCount(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as { __maxActive: number }).__maxActive);
  }
}

export class FilesPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/files");
  }

  get rows() {
    return this.page.getByTestId("file-row");
  }

  /** Name → exact byte count, as the table shows them. */
  async sizes(): Promise<Record<string, number>> {
    const entries = await this.rows.evaluateAll((rows) =>
      rows.map((row) => [
        row.querySelector('[data-testid="file-name"]')?.textContent ?? "",
        Number(row.querySelector('[data-testid="file-size"]')?.getAttribute("data-bytes")),
      ]),
    );
    return Object.fromEntries(entries);
  }
}

/** The files library on /files: search, filter, rows and their actions. */
export class LibraryPage {
  constructor(private readonly page: Page) {}

  /** Waits for the first page of files (or the empty state), which also means React is hydrated. */
  async goto() {
    await this.page.goto("/files");
    await expect(this.page.getByTestId("file-library")).toBeVisible();
  }

  get rows() {
    return this.page.getByTestId("file-row");
  }

  row(name: string) {
    return this.rows.and(this.page.locator(`[data-name=${JSON.stringify(name)}]`));
  }

  async names(): Promise<string[]> {
    return this.rows.getByTestId("file-name").allTextContents();
  }

  async search(text: string) {
    await this.page.getByTestId("file-search").fill(text);
  }

  /** Accepts the next confirm() and returns its message. */
  acceptNextConfirm(): Promise<string> {
    return new Promise((resolve) => {
      this.page.once("dialog", async (dialog) => {
        await dialog.accept();
        resolve(dialog.message());
      });
    });
  }

  async rename(from: string, to: string) {
    const row = this.row(from);
    await row.getByTestId("rename-button").click();
    await row.getByTestId("rename-input").fill(to);
    await row.getByTestId("rename-save").click();
  }

  async delete(name: string): Promise<string> {
    const confirmed = this.acceptNextConfirm();
    await this.row(name).getByTestId("delete-button").click();
    return confirmed;
  }

  async deleteSelected(names: string[]): Promise<string> {
    for (const name of names) await this.row(name).getByTestId("file-select").check();
    const confirmed = this.acceptNextConfirm();
    await this.page.getByTestId("delete-selected").click();
    return confirmed;
  }
}

type Fixtures = {
  auth: AuthPages;
  uploadPage: UploadPage;
  filesPage: FilesPage;
  libraryPage: LibraryPage;
  newUser: { email: string; password: string; name: string };
};

/** Each test seeds its own user, so tests never share state. */
export const test = base.extend<Fixtures>({
  auth: async ({ page }, use) => use(new AuthPages(page)),
  uploadPage: async ({ page }, use) => use(new UploadPage(page)),
  filesPage: async ({ page }, use) => use(new FilesPage(page)),
  libraryPage: async ({ page }, use) => use(new LibraryPage(page)),
  newUser: async ({}, use) => use({ email: `e2e-${randomUUID()}@example.test`, password: "s3cret-password", name: "E2E User" }),
});

/** The compact upload tray every page but /upload shows while uploads run. */
export const trayOf = (page: Page) => page.getByTestId("upload-tray");

/** Chromium's network emulation, so a large upload stays in flight long enough to pause or cancel. */
export async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

export { expect };
