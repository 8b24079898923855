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

type Fixtures = { auth: AuthPages; newUser: { email: string; password: string; name: string } };

/** Each test seeds its own user, so tests never share state. */
export const test = base.extend<Fixtures>({
  auth: async ({ page }, use) => use(new AuthPages(page)),
  newUser: async ({}, use) => use({ email: `e2e-${randomUUID()}@example.test`, password: "s3cret-password", name: "E2E User" }),
});

export { expect };
