import { randomInt, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as register } from "@/app/api/register/route";
import { getDb } from "@/db";
import { createUser, getUserByEmail } from "@/db/queries/users";
import { users } from "@/db/schema";
import { getEnv } from "@/server/env";
import { SIGN_IN_ERROR } from "@/lib/sign-in-errors";
import { SIGN_IN_WINDOW_MS, SIGN_UP_WINDOW_MS } from "@/server/auth/auth-limits";
import { getAuthOptions } from "@/server/auth/auth";
import { authorizeCredentials } from "@/server/auth/credentials";
import { resolveGitHubUser } from "@/server/auth/github";
import { hashPassword } from "@/server/auth/password";
import { jsonRequest } from "../testing/requests";

/** Every scrypt run, counted: a refusal "before hashing" must leave these unchanged. */
const scrypt = vi.hoisted(() => ({ hashes: 0, verifies: 0 }));
vi.mock("@/server/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/server/auth/password")>();
  return {
    hashPassword: (password: string) => (scrypt.hashes++, real.hashPassword(password)),
    verifyPassword: (password: string, stored: string) => (scrypt.verifies++, real.verifyPassword(password, stored)),
  };
});

// This file's env (read once, on first use): behind one proxy, so X-Forwarded-For names the client.
beforeAll(() => {
  vi.stubEnv("TRUST_PROXY_HOPS", "1");
  vi.stubEnv("RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS", "20");
  vi.stubEnv("RATE_LIMIT_SIGNUPS_PER_ADDRESS", "10");
});
afterAll(() => vi.unstubAllEnvs());

const email = () => `hard-${randomUUID()}@example.test`;
const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const fromAddress = (ip: string) => ({ "x-forwarded-for": `${address()}, ${ip}` });
const PASSWORD = "correct horse battery";

/** Waits out the end of a fixed window if the test might straddle it (a new window resets the counts). */
async function roomInWindow(windowMs: number, neededMs = 30_000) {
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

async function signInOutcome(credentials: { email: string; password: string }, headers: Record<string, string>): Promise<"ok" | "wrong" | string> {
  try {
    return (await authorizeCredentials(credentials, headers)) ? "ok" : "wrong";
  } catch (err) {
    return (err as Error).message;
  }
}

beforeEach(() => {
  scrypt.hashes = 0;
  scrypt.verifies = 0;
});

describe("sign-in limits (regression: 40 wrong passwords in a row were all checked)", () => {
  it("checks 10 of 40 wrong passwords for one account, from any address; the other 30 are refused before scrypt", async () => {
    await roomInWindow(SIGN_IN_WINDOW_MS);
    const account = email();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    scrypt.verifies = 0;
    const limit = getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT;
    expect(limit).toBe(10);
    const outcomes: string[] = [];
    // A fresh address each time: spreading guesses over addresses does not help.
    for (let i = 0; i < 40; i++) outcomes.push(await signInOutcome({ email: account, password: `wrong-${i}` }, fromAddress(address())));
    expect(outcomes.slice(0, limit)).toEqual(Array(limit).fill("wrong"));
    for (const outcome of outcomes.slice(limit)) expect(outcome).toMatch(/^rate_limited:\d+$/);
    const wait = Number(outcomes.at(-1)!.split(":")[1]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_WINDOW_MS / 1000);
    expect(scrypt.verifies).toBe(limit);

    // Locked for the window, even with the right password, and the email's letter case changes nothing.
    expect(await signInOutcome({ email: account.toUpperCase(), password: PASSWORD }, fromAddress(address()))).toMatch(/^rate_limited:/);
    expect(scrypt.verifies).toBe(limit);
  });

  it("counts only failures: successful sign-ins leave the budget whole", async () => {
    await roomInWindow(SIGN_IN_WINDOW_MS);
    const account = email();
    const ip = address();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    const limit = getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT;
    for (let i = 0; i < limit - 1; i++) expect(await signInOutcome({ email: account, password: "wrong-password" }, fromAddress(ip))).toBe("wrong");
    for (let i = 0; i < 3; i++) expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(ip))).toBe("ok");
    expect(await signInOutcome({ email: account, password: "wrong-password" }, fromAddress(ip))).toBe("wrong");
    expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(ip))).toMatch(/^rate_limited:/);
  });

  it("refuses an address after 20 failures across many accounts, known or not; other addresses still sign in", async () => {
    await roomInWindow(SIGN_IN_WINDOW_MS);
    const ip = address();
    const known = email();
    await createUser({ email: known, passwordHash: await hashPassword(PASSWORD) });
    scrypt.verifies = 0;
    for (let i = 0; i < 20; i++) expect(await signInOutcome({ email: email(), password: "guess-123" }, fromAddress(ip))).toBe("wrong");
    // Unknown emails cost a scrypt too, so timing does not tell which emails have accounts.
    expect(scrypt.verifies).toBe(20);
    expect(await signInOutcome({ email: known, password: PASSWORD }, fromAddress(ip))).toMatch(/^rate_limited:/);
    expect(scrypt.verifies).toBe(20);
    expect(await signInOutcome({ email: known, password: PASSWORD }, fromAddress(address()))).toBe("ok");
  });

  it("runs the limits concurrently without letting more than the limit of guesses through", async () => {
    await roomInWindow(SIGN_IN_WINDOW_MS);
    const account = email();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    scrypt.verifies = 0;
    const outcomes = await Promise.all(Array.from({ length: 25 }, (_, i) => signInOutcome({ email: account, password: `wrong-${i}` }, fromAddress(address()))));
    expect(outcomes.filter((o) => o === "wrong")).toHaveLength(getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT);
    expect(scrypt.verifies).toBe(getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT);
  });
});

describe("POST /api/register limits and answers (regression: 60 sign-ups in a row, and a 409 told which emails exist)", () => {
  const signUp = (body: unknown, ip: string) => register(jsonRequest("/api/register", { body, headers: fromAddress(ip) }));

  it("accepts 10 sign-ups from one address, then answers 429 with Retry-After before hashing; other addresses go on", async () => {
    await roomInWindow(SIGN_UP_WINDOW_MS, 120_000);
    const ip = address();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 60; i++) {
      last = await signUp({ email: email(), password: PASSWORD }, ip);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(statuses.slice(10)).toEqual(Array(50).fill(429));
    expect(scrypt.hashes).toBe(10);
    expect((await last!.json()).error.code).toBe("rate_limited");
    const retryAfter = Number(last!.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= SIGN_UP_WINDOW_MS / 1000).toBe(true);
    expect((await signUp({ email: email(), password: PASSWORD }, address())).status).toBe(202);
  });

  it("answers a new and a taken email alike (status, body, and the scrypt run), and keeps the owner's password", async () => {
    const taken = email();
    const first = await signUp({ email: taken, password: PASSWORD, name: "Owner" }, address());
    const fresh = await signUp({ email: email(), password: "another password" }, address());
    const again = await signUp({ email: `  ${taken.toUpperCase()} `, password: "attacker password" }, address());
    for (const res of [first, fresh, again]) expect(res.status).toBe(202);
    const bodies = await Promise.all([first, fresh, again].map((res) => res.json()));
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]).not.toHaveProperty("user");
    expect(scrypt.hashes).toBe(3);
    const row = await getUserByEmail({ email: taken });
    expect(row?.name).toBe("Owner");
    expect(await signInOutcome({ email: taken, password: "attacker password" }, fromAddress(address()))).toBe("wrong");
    expect(await signInOutcome({ email: taken, password: PASSWORD }, fromAddress(address()))).toBe("ok");
  });

  it("spends no sign-up budget on an invalid body (400 comes before the limit)", async () => {
    const ip = address();
    for (let i = 0; i < 12; i++) expect((await signUp({ email: "not-an-email", password: PASSWORD }, ip)).status).toBe(400);
    expect((await signUp({ email: email(), password: PASSWORD }, ip)).status).toBe(202);
    expect(scrypt.hashes).toBe(1);
  });
});

describe("GitHub sign-in against the users table (regression: it took over password accounts by email)", () => {
  const github = { provider: "github", type: "oauth", providerAccountId: "1" } as const;
  const callbacks = () => getAuthOptions().callbacks!;
  async function signInWithGitHub(profileEmail: string | undefined) {
    const user = { id: "12345", email: profileEmail, name: "Octo" };
    const allowed = await callbacks().signIn!({ user, account: github, profile: undefined } as never);
    const token = await callbacks().jwt!({ token: { sub: "12345" }, user, account: github, trigger: "signIn" } as never);
    return { allowed, sub: token.sub };
  }

  it("refuses an email that has a password account, with a message for the sign-in page, and issues no session", async () => {
    const owned = email();
    const owner = await createUser({ email: owned, passwordHash: await hashPassword(PASSWORD) });
    const { allowed, sub } = await signInWithGitHub(owned);
    expect(allowed).toBe(`${getEnv().APP_URL.replace(/\/$/, "")}/signin?error=${SIGN_IN_ERROR.githubEmailInUse}`);
    expect(sub).toBeUndefined();
    expect((await getUserByEmail({ email: owned }))?.id).toBe(owner!.id);
  });

  it("refuses a sign-in without a verified primary email (the provider gives none), creating nothing", async () => {
    const db = await getDb();
    const before = (await db.select({ id: users.id }).from(users)).length;
    const { allowed, sub } = await signInWithGitHub(undefined);
    expect(allowed).toMatch(new RegExp(`/signin\\?error=${SIGN_IN_ERROR.githubEmailUnverified}$`));
    expect(sub).toBeUndefined();
    expect((await db.select({ id: users.id }).from(users)).length).toBe(before);
  });

  it("creates a user without a password on the first sign-in and finds the same one next time", async () => {
    const address = email();
    const first = await signInWithGitHub(address);
    expect(first.allowed).toBe(true);
    const row = await getUserByEmail({ email: address });
    expect(row).toMatchObject({ id: first.sub, passwordHash: null, name: "Octo" });
    const second = await signInWithGitHub(address);
    expect(second).toEqual({ allowed: true, sub: row!.id });
  });

  it("resolves a race with a password sign-up in favour of the password account", async () => {
    const address = email();
    await createUser({ email: address, passwordHash: await hashPassword(PASSWORD) });
    expect(await resolveGitHubUser(address)).toEqual({ error: SIGN_IN_ERROR.githubEmailInUse });
    const db = await getDb();
    expect((await db.select().from(users).where(eq(users.email, address))).length).toBe(1);
  });
});

describe("the sign-in redirect callback", () => {
  it.each([
    ["/files?x=1#y", "/files?x=1#y"],
    ["/\\evil.example", "/"],
    ["//evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
  ])("sends %s to our origin's %s", async (url, path) => {
    const origin = new URL(getEnv().APP_URL).origin;
    expect(await getAuthOptions().callbacks!.redirect!({ url, baseUrl: origin })).toBe(`${origin}${path}`);
  });
});
