import { expect, test } from "./fixtures";

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
