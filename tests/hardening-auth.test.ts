// First: the auth flow runs next-auth in Next's request scope, set up before Next's modules load.
import { cookieHeader, signInWithPassword, type CookieJar } from "./auth-flow";
import { randomInt, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as register } from "@/app/api/register/route";
import { getDb } from "@/db";
import { createUser, getUserByEmail } from "@/db/queries/users";
import { users } from "@/db/schema";
import { getEnv } from "@/server/env";
import { SIGN_IN_ERROR } from "@/lib/sign-in-errors";
import { SIGN_IN_WINDOW_MS, SIGN_UP_WINDOW_MS } from "@/server/auth/auth-limits";
import { getAuthOptions } from "@/server/auth/auth";
import { authorizeCredentials } from "@/server/auth/credentials";
import { deviceCookieFor } from "@/server/auth/device-cookie";
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
  vi.stubEnv("RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT", "20");
  vi.stubEnv("AUTH_HASH_CONCURRENCY", "16");
  vi.stubEnv("RATE_LIMIT_SIGNUPS_PER_ADDRESS", "10");
});
afterAll(() => vi.unstubAllEnvs());

const email = () => `hard-${randomUUID()}@example.test`;
const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const fromAddress = (ip: string) => ({ "x-forwarded-for": `${address()}, ${ip}` });
const PASSWORD = "correct horse battery";

/**
 * Starts the test's clock (Date only; timers stay real) one second into a window of its own, so the
 * test can't straddle a window's end (a new window resets the counts). Waiting out the window's end
 * instead could take longer than the test may (regression: a two-minute wait outlived its test,
 * whose sign-ups then ran on into the next one).
 */
function atWindowStart(windowMs: number) {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Math.ceil(Date.now() / windowMs) * windowMs + 1000);
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
afterEach(() => vi.useRealTimers());

describe("sign-in limits (regression: 40 wrong passwords in a row were all checked)", () => {
  it("checks 10 of 40 wrong passwords from one address; the other 30 are refused before scrypt, the right password too", async () => {
    atWindowStart(SIGN_IN_WINDOW_MS);
    const account = email();
    const ip = address();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    scrypt.verifies = 0;
    const limit = getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT;
    expect(limit).toBe(10);
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await signInOutcome({ email: account, password: `wrong-${i}` }, fromAddress(ip)));
    expect(outcomes.slice(0, limit)).toEqual(Array(limit).fill("wrong"));
    for (const outcome of outcomes.slice(limit)) expect(outcome).toMatch(/^rate_limited:\d+$/);
    const wait = Number(outcomes.at(-1)!.split(":")[1]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_WINDOW_MS / 1000);
    expect(scrypt.verifies).toBe(limit);
    // That address stays refused for the window, the right password included, whatever the email's letter case.
    expect(await signInOutcome({ email: account.toUpperCase(), password: PASSWORD }, fromAddress(ip))).toMatch(/^rate_limited:/);
    expect(scrypt.verifies).toBe(limit);
  });

  it("a stranger's wrong passwords do not lock the owner out (regression: 10 from anyone refused the owner's right password)", async () => {
    atWindowStart(SIGN_IN_WINDOW_MS);
    const account = email();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    const stranger = address();
    for (let i = 0; i < 15; i++) await signInOutcome({ email: account, password: `guess-${i}` }, fromAddress(stranger));
    expect(await signInOutcome({ email: account, password: `guess-x` }, fromAddress(stranger))).toMatch(/^rate_limited:/);
    // The owner, from an address with no failures and without a device cookie, gets in.
    expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(address()))).toBe("ok");
  });

  it("caps guesses at one account however many addresses make them; then only the owner's known browser gets in", async () => {
    atWindowStart(SIGN_IN_WINDOW_MS);
    const account = email();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    // The owner signed in from this browser before (through the auth route, which sets the device cookie).
    const ownersBrowser: CookieJar = new Map();
    expect((await signInWithPassword(ownersBrowser, { email: account, password: PASSWORD }, fromAddress(address()))).status).toBe(200);
    const device = cookieHeader(new Map([...ownersBrowser].filter(([name]) => name === "uploads.device")));
    expect(device).toMatch(/^uploads\.device=[\w-]{22}\.[\w-]{43}$/);
    scrypt.verifies = 0;

    const ceiling = getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT;
    expect(ceiling).toBe(20);
    // A guesser with a fresh address for every guess.
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await signInOutcome({ email: account, password: `guess-${i}` }, fromAddress(address())));
    expect(outcomes.slice(0, ceiling)).toEqual(Array(ceiling).fill("wrong"));
    for (const outcome of outcomes.slice(ceiling)) expect(outcome).toMatch(/^rate_limited:/);
    expect(scrypt.verifies).toBe(ceiling);

    // A new browser now waits for the window, the owner's included...
    expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(address()))).toMatch(/^rate_limited:/);
    // ...and so does one showing a device cookie of another account, or a forged one.
    const other = email();
    const otherDevice = deviceCookieFor(other).split(";")[0]!;
    expect(await signInOutcome({ email: account, password: PASSWORD }, { ...fromAddress(address()), cookie: otherDevice })).toMatch(/^rate_limited:/);
    const forged = device.replace(/\.[\w-]{43}$/, `.${"A".repeat(43)}`);
    expect(await signInOutcome({ email: account, password: PASSWORD }, { ...fromAddress(address()), cookie: forged })).toMatch(/^rate_limited:/);
    // The owner's own browser signs in, from any address.
    expect(await signInOutcome({ email: account, password: PASSWORD }, { ...fromAddress(address()), cookie: device })).toBe("ok");
    expect((await signInWithPassword(ownersBrowser, { email: account, password: PASSWORD }, fromAddress(address()))).status).toBe(200);
  });

  it("a known browser has a budget of its own: its own failures refuse it, not others", async () => {
    atWindowStart(SIGN_IN_WINDOW_MS);
    const account = email();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    const device = deviceCookieFor(account).split(";")[0]!;
    const ip = address();
    for (let i = 0; i < 10; i++) expect(await signInOutcome({ email: account, password: `typo-${i}` }, { ...fromAddress(ip), cookie: device })).toBe("wrong");
    expect(await signInOutcome({ email: account, password: PASSWORD }, { ...fromAddress(ip), cookie: device })).toMatch(/^rate_limited:/);
    expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(ip))).toBe("ok");
  });

  it("counts only failures: successful sign-ins leave the budget whole", async () => {
    atWindowStart(SIGN_IN_WINDOW_MS);
    const account = email();
    const ip = address();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    const limit = getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT;
    for (let i = 0; i < limit - 1; i++) expect(await signInOutcome({ email: account, password: "wrong-password" }, fromAddress(ip))).toBe("wrong");
    for (let i = 0; i < 3; i++) expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(ip))).toBe("ok");
    expect(await signInOutcome({ email: account, password: "wrong-password" }, fromAddress(ip))).toBe("wrong");
    expect(await signInOutcome({ email: account, password: PASSWORD }, fromAddress(ip))).toMatch(/^rate_limited:/);
  });

  it("refuses an address after 20 failures across many accounts, known or not; other addresses still sign in", async () => {
    atWindowStart(SIGN_IN_WINDOW_MS);
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
    atWindowStart(SIGN_IN_WINDOW_MS);
    const account = email();
    const ip = address();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    scrypt.verifies = 0;
    // As many at once as this file's hash slots take, so every one reaches the limits.
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) => signInOutcome({ email: account, password: `wrong-${i}` }, fromAddress(ip))));
    expect(outcomes.filter((o) => o === "wrong")).toHaveLength(getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT);
    expect(outcomes.filter((o) => o.startsWith("rate_limited:"))).toHaveLength(16 - getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT);
    expect(scrypt.verifies).toBe(getEnv().RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT);
  });
});

describe("POST /api/register limits and answers (regression: 60 sign-ups in a row, and a 409 told which emails exist)", () => {
  const signUp = (body: unknown, ip: string) => register(jsonRequest("/api/register", { body, headers: fromAddress(ip) }));

  it("accepts 10 sign-ups from one address, then answers 429 with Retry-After before hashing; other addresses go on", async () => {
    atWindowStart(SIGN_UP_WINDOW_MS);
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

  it("reads one client's address alike in every form a proxy writes it (regression: a port or brackets fell into the shared budget)", async () => {
    atWindowStart(SIGN_UP_WINDOW_MS);
    const n = () => randomInt(1, 255);
    const v4 = `198.51.${n()}.${n()}`;
    const v6 = `2001:db8:${randomInt(65536).toString(16)}:${randomInt(65536).toString(16)}`;
    const signUpFrom = (entry: string) => register(jsonRequest("/api/register", { body: { email: email(), password: PASSWORD }, headers: { "x-forwarded-for": `${address()}, ${entry}` } }));
    // Ten sign-ups spread over the forms of one IPv4 client spend its budget: the next one, in yet another form, is refused.
    const v4Forms = [v4, `${v4}:5678`, `"${v4}"`, `[${v4}]:1`, `${v4}:80`, `${v4}:65535`, v4, `${v4}:1`, `"${v4}"`, `${v4}:443`];
    for (const form of v4Forms) expect((await signUpFrom(form)).status).toBe(202);
    expect((await signUpFrom(`${v4}:9999`)).status).toBe(429);
    // The same for an IPv6 client's /64, in brackets, quoted, with a port, in capitals.
    const v6Forms = [`${v6}::1`, `[${v6}::2]:443`, `"[${v6}::3]"`, `[${v6}::4]`, `${v6.toUpperCase()}::5`, `"[${v6}::6]:8080"`, `${v6}::7`, `[${v6}::8]:1`, `${v6}::9`, `${v6}::a`];
    for (const form of v6Forms) expect((await signUpFrom(form)).status).toBe(202);
    expect((await signUpFrom(`[${v6}::b]:443`)).status).toBe(429);
    // Another client, with a port, has its own budget.
    expect((await signUpFrom(`198.51.${n()}.${n()}:5678`)).status).toBe(202);
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
