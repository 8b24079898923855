import { randomUUID } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";

export class AuthPages {
  constructor(private readonly page: Page) {}

  async signUp(user: { email: string; password: string; name?: string }) {
    await this.page.goto("/signup");
    if (user.name) await this.page.getByTestId("name-input").fill(user.name);
    await this.page.getByTestId("email-input").fill(user.email);
    await this.page.getByTestId("password-input").fill(user.password);
    await this.page.getByTestId("submit-button").click();
    await expect(this.page.getByTestId("signed-in-user")).toContainText(user.email);
  }

  async signIn(user: { email: string; password: string }) {
    await this.page.goto("/signin");
    await this.page.getByTestId("email-input").fill(user.email);
    await this.page.getByTestId("password-input").fill(user.password);
    await this.page.getByTestId("submit-button").click();
    await expect(this.page.getByTestId("signed-in-user")).toContainText(user.email);
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

type Fixtures = {
  auth: AuthPages;
  uploadPage: UploadPage;
  filesPage: FilesPage;
  newUser: { email: string; password: string; name: string };
};

/** Each test seeds its own user, so tests never share state. */
export const test = base.extend<Fixtures>({
  auth: async ({ page }, use) => use(new AuthPages(page)),
  uploadPage: async ({ page }, use) => use(new UploadPage(page)),
  filesPage: async ({ page }, use) => use(new FilesPage(page)),
  newUser: async ({}, use) => use({ email: `e2e-${randomUUID()}@example.test`, password: "s3cret-password", name: "E2E User" }),
});

export { expect };
