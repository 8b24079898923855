import type { Page } from "@playwright/test";
import { expect, test as base } from "./fixtures";

class TokensPage {
  constructor(private readonly page: Page) {}

  /** Through the header link, and waits for hydration (the list only renders client-side). */
  async goto() {
    await this.page.getByTestId("settings-link").click();
    await expect(this.page).toHaveURL(/\/settings$/);
    await expect(this.page.getByTestId("token-list-empty").or(this.page.getByTestId("token-table"))).toBeVisible();
  }

  row(name: string) {
    return this.page.getByTestId("token-row").and(this.page.locator(`[data-name=${JSON.stringify(name)}]`));
  }

  /** Creates a token and returns its secret, read from the one-time panel. */
  async create(name: string): Promise<string> {
    await this.page.getByTestId("token-name-input").fill(name);
    await this.page.getByTestId("token-create-button").click();
    const secret = (await this.page.getByTestId("token-secret").textContent()) ?? "";
    await this.page.getByTestId("token-secret-dismiss").click();
    return secret;
  }

  /** Revoke asks first: Keep backs out, focus back on Revoke, and the token stays. */
  async keep(name: string) {
    await this.row(name).getByTestId("token-revoke-button").click();
    await expect(this.row(name).getByTestId("token-revoke-confirm")).toBeFocused();
    await this.row(name).getByTestId("token-revoke-cancel").click();
    await expect(this.row(name).getByTestId("token-revoke-button")).toBeFocused();
  }

  async revoke(name: string) {
    await this.row(name).getByTestId("token-revoke-button").click();
    await expect(this.row(name).getByTestId("token-revoke-confirm")).toBeFocused();
    await this.row(name).getByTestId("token-revoke-confirm").click();
    await expect(this.row(name)).toHaveCount(0);
  }
}

const test = base.extend<{ tokensPage: TokensPage }>({
  tokensPage: async ({ page }, use) => use(new TokensPage(page)),
});

test("create a token on the settings page, use it from a script, revoke it, and it stops working", async ({ page, auth, newUser, tokensPage, request }) => {
  await auth.signUp(newUser);
  await tokensPage.goto();
  await expect(page.getByTestId("token-list-empty")).toBeVisible();

  const secret = await tokensPage.create("nightly backup");
  expect(secret).toMatch(/^upl_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("token-secret-panel")).toHaveCount(0);
  await expect(tokensPage.row("nightly backup").getByTestId("token-prefix")).toHaveText(`${secret.slice(0, 10)}…`);
  await expect(tokensPage.row("nightly backup").getByTestId("token-last-used")).toHaveText("Never");

  // A script: Playwright's request context shares no cookies with the page.
  const bearer = { authorization: `Bearer ${secret}` };
  const files = await request.get("/api/files", { headers: bearer });
  expect(files.status()).toBe(200);
  expect(await files.json()).toMatchObject({ files: [] });
  expect((await request.get("/api/files")).status()).toBe(401);
  const escalation = await request.post("/api/tokens", { headers: bearer, data: { name: "minted by a token" } });
  expect(escalation.status()).toBe(403);

  // Shown once: after a reload the secret is nowhere on the page, but the use is recorded.
  await page.reload();
  await expect(tokensPage.row("nightly backup").getByTestId("token-last-used")).not.toHaveText("Never");
  expect(await page.content()).not.toContain(secret);

  await tokensPage.keep("nightly backup");
  expect((await request.get("/api/files", { headers: bearer })).status()).toBe(200);
  await tokensPage.revoke("nightly backup");
  await expect(page.getByTestId("token-list-empty")).toBeVisible();
  const after = await request.get("/api/files", { headers: bearer });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("unauthorized");
});

test("the app's own pages pass the cross-site checks; a text/plain POST does not", async ({ page, auth, newUser }) => {
  await auth.signUp(newUser);
  const statuses = await page.evaluate(async () => {
    const json = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "from the page" }) });
    const plain = await fetch("/api/tokens", { method: "POST", body: JSON.stringify({ name: "as text/plain" }) });
    const { token } = await json.clone().json();
    const revoked = await fetch(`/api/tokens/${token.id}`, { method: "DELETE" });
    return [json.status, plain.status, revoked.status];
  });
  expect(statuses).toEqual([201, 415, 204]);
});
