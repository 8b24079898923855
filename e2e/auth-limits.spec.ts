import { expect, test } from "./fixtures";

test.describe("redirect after sign-in (regression: /signin?callbackUrl=/%5Cevil.example left the site)", () => {
  for (const callbackUrl of ["/%5Cevil.example", "/%09/evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)"]) {
    test(`callbackUrl=${callbackUrl} stays on this site`, async ({ page, auth, newUser }) => {
      await auth.signUp(newUser);
      await auth.signOut();
      await page.goto(`/signin?callbackUrl=${callbackUrl}`);
      await page.getByTestId("email-input").fill(newUser.email);
      await page.getByTestId("password-input").fill(newUser.password);
      await page.getByTestId("submit-button").click();
      await expect(page.getByTestId("signed-in-user")).toContainText(newUser.email);
      const here = new URL(page.url());
      expect(here.origin).toBe(new URL(test.info().project.use.baseURL!).origin);
      expect(here.pathname).toBe("/upload");
    });
  }

  test("a same-site callbackUrl is followed with its query", async ({ page, auth, newUser }) => {
    await auth.signUp(newUser);
    await auth.signOut();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent("/files?q=report")}`);
    await page.getByTestId("email-input").fill(newUser.email);
    await page.getByTestId("password-input").fill(newUser.password);
    await page.getByTestId("submit-button").click();
    await expect(page).toHaveURL(/\/files\?q=report$/);
  });
});

test("after 10 wrong passwords the sign-in answers 429 with Retry-After and the form shows the wait", async ({ page, auth, newUser }) => {
  await auth.signUp(newUser);
  await auth.signOut();
  await page.goto("/signin");
  const tryPassword = async (password: string) => {
    await page.getByTestId("email-input").fill(newUser.email);
    await page.getByTestId("password-input").fill(password);
    const answer = page.waitForResponse((res) => res.url().includes("/api/auth/callback/credentials") && res.request().method() === "POST");
    await page.getByTestId("submit-button").click();
    const res = await answer;
    await expect(page.getByTestId("submit-button")).toBeEnabled();
    return res;
  };
  for (let i = 0; i < 10; i++) {
    expect((await tryPassword(`wrong-${i}`)).status()).toBe(401);
    await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
  }
  // Now even the right password waits in this browser: the limit is checked before any password is.
  const limited = await tryPassword(newUser.password);
  expect(limited.status()).toBe(429);
  const retryAfter = Number(await limited.headerValue("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  await expect(page.getByTestId("form-error")).toHaveText(/^Too many attempts; try again in \d+ s\.$/);
  await expect(page.getByTestId("signed-in-user")).toHaveCount(0);
});

// Issue 23: 10 wrong passwords from anyone used to lock the account for everyone, its owner included.
test("a stranger's wrong passwords do not lock the owner's browser out", async ({ auth, newUser, browser }) => {
  await auth.signUp(newUser);
  await auth.signOut();
  // Another browser, which never signed in to this account, guesses until it is refused.
  const stranger = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const guesser = await stranger.newPage();
  await guesser.goto("/signin");
  let last = 0;
  for (let i = 0; i < 12 && last !== 429; i++) {
    await guesser.getByTestId("email-input").fill(newUser.email);
    await guesser.getByTestId("password-input").fill(`guess-${i}`);
    const answer = guesser.waitForResponse((res) => res.url().includes("/api/auth/callback/credentials") && res.request().method() === "POST");
    await guesser.getByTestId("submit-button").click();
    last = (await answer).status();
    await expect(guesser.getByTestId("submit-button")).toBeEnabled();
  }
  expect(last).toBe(429);
  await stranger.close();
  // The owner's browser signed in before (it holds the account's device cookie): it still gets in.
  await auth.signIn(newUser);
});

test("the sign-up form shows the wait of a 429", async ({ page, newUser }) => {
  // The real limit (per address per hour) is tested against the route in tests/hardening-auth.test.ts;
  // here the page only has to read the answer, without spending this run's sign-ups.
  await page.route("**/api/register", (route) =>
    route.fulfill({
      status: 429,
      headers: { "retry-after": "1234", "content-type": "application/json" },
      body: JSON.stringify({ error: { code: "rate_limited", message: "Too many sign-ups from your network; try again in 1234 s." } }),
    }),
  );
  await page.goto("/signup");
  await page.getByTestId("email-input").fill(newUser.email);
  await page.getByTestId("password-input").fill(newUser.password);
  await page.getByTestId("submit-button").click();
  await expect(page.getByTestId("form-error")).toHaveText("Too many attempts; try again in 1234 s.");
});

test("a refused GitHub sign-in is explained on the sign-in page", async ({ page }) => {
  await page.goto("/signin?error=GitHubEmailInUse");
  await expect(page.getByTestId("form-error")).toContainText("already exists here with a password");
  await page.goto("/signin?error=%3Cb%3Ehi%3C%2Fb%3E");
  await expect(page.getByTestId("form-error")).toHaveText("Could not sign in. Please try again.");
});
