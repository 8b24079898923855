import type { Browser, BrowserContext } from "@playwright/test";
import { AuthPages, expect, test } from "./fixtures";

test("sign up, sign out, sign in, and the header shows who is signed in", async ({ page, auth, newUser }) => {
  await auth.signUp(newUser);
  await expect(page.getByTestId("signed-in-user")).toContainText(newUser.name);
  await auth.signOut();
  await expect(page.getByTestId("signed-in-user")).toHaveCount(0);

  await page.goto("/signin");
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill("not-the-password");
  await page.getByTestId("submit-button").click();
  await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");

  await auth.signIn(newUser);
  const me = await page.evaluate(async () => (await fetch("/api/me")).json());
  expect(me.user.email).toBe(newUser.email);
});

test("an unauthenticated API call gets 401 JSON", async ({ page }) => {
  await page.goto("/signin");
  const result = await page.evaluate(async () => {
    const res = await fetch("/api/me");
    return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
  });
  expect(result.status).toBe(401);
  expect(result.type).toContain("application/json");
  expect(result.body.error.code).toBe("unauthorized");
});

// Issue 13: sign-up no longer says an email is taken (that told anyone who has an account here).
test("sign-up with a taken email and another password is answered like any sign-up, and no session follows", async ({ page, auth, newUser }) => {
  await auth.signUp(newUser);
  await auth.signOut();
  await page.goto("/signup");
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill("not-the-owners-password");
  await page.getByTestId("submit-button").click();
  await expect(page.getByTestId("form-error")).toContainText("If you already have an account, sign in with its password.");
  await expect(page.getByTestId("form-error")).not.toContainText("exists");
  const me = await page.evaluate(async () => (await fetch("/api/me")).status);
  expect(me).toBe(401);
});

test("a signed-out visit to /files, /upload or /settings goes to sign-in, which comes back to that page", async ({ page, auth, newUser }) => {
  await auth.signUp(newUser);
  await auth.signOut();
  for (const path of ["/files", "/upload", "/settings"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/signin\\?callbackUrl=${path}$`));
    await expect(page.getByTestId("signin-form")).toBeVisible();
  }
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill(newUser.password);
  await page.getByTestId("submit-button").click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId("signed-in-user")).toContainText(newUser.email);
});

// Issue 23: a session cookie kept anywhere stops working once its session is ended.
test.describe("ending sessions", () => {
  /** Another browser (its own cookie jar), on the app's origin. */
  const otherBrowser = (browser: Browser) => browser.newContext({ baseURL: test.info().project.use.baseURL });
  const meStatus = async (context: BrowserContext) => (await context.request.get("/api/me")).status();

  test("a cookie saved before sign-out is refused after it", async ({ page, auth, newUser, browser }) => {
    await auth.signUp(newUser);
    const copy = await otherBrowser(browser);
    await copy.addCookies(await page.context().cookies());
    expect(await meStatus(copy)).toBe(200);
    await auth.signOut();
    expect(await meStatus(copy)).toBe(401);
    await copy.close();
  });

  test("sign out everywhere in /settings ends the other browsers' sessions and this one", async ({ page, auth, newUser, browser }) => {
    await auth.signUp(newUser);
    const laptop = await otherBrowser(browser);
    await new AuthPages(await laptop.newPage()).signIn(newUser);
    expect(await meStatus(laptop)).toBe(200);

    await page.goto("/settings");
    await page.getByTestId("sign-out-everywhere-button").click();
    await page.getByTestId("sign-out-everywhere-confirm").click();
    await expect(page.getByTestId("signin-form")).toBeVisible();
    expect(await meStatus(laptop)).toBe(401);
    expect(await meStatus(page.context())).toBe(401);
    await laptop.close();
  });

  test("a password change in /settings ends every other session; this one stays", async ({ page, auth, newUser, browser }) => {
    await auth.signUp(newUser);
    const laptop = await otherBrowser(browser);
    await new AuthPages(await laptop.newPage()).signIn(newUser);

    await page.goto("/settings");
    await page.getByTestId("current-password-input").fill(newUser.password);
    await page.getByTestId("new-password-input").fill("a brand new password");
    await page.getByTestId("password-change-button").click();
    await expect(page.getByTestId("password-change-done")).toHaveText("Password changed. 1 other session was signed out.");
    expect(await meStatus(laptop)).toBe(401);
    expect(await meStatus(page.context())).toBe(200);
    await auth.signOut();
    await auth.signIn({ email: newUser.email, password: "a brand new password" });
    await laptop.close();
  });
});
