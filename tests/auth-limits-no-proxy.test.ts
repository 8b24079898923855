import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUser } from "@/db/queries/users";
import { UNKNOWN_ADDRESS } from "@/server/auth/client-address";
import { SHARED_SIGN_UP_FACTOR, signUpLimitFor } from "@/server/auth/auth-limits";
import { authorizeCredentials } from "@/server/auth/credentials";
import { deviceCookieFor } from "@/server/auth/device-cookie";
import { hashPassword } from "@/server/auth/password";

// No trusted proxy (the default off Vercel): X-Forwarded-For is the client's own word, so clients
// can't be told apart. This file's env is read once, on first use.
beforeAll(() => {
  vi.stubEnv("TRUST_PROXY_HOPS", "0");
  vi.stubEnv("RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS", "5");
  vi.stubEnv("RATE_LIMIT_SIGNIN_FAILURES_PER_CLIENT", "3");
  vi.stubEnv("AUTH_HASH_CONCURRENCY", "16");
});
afterAll(() => vi.unstubAllEnvs());

const PASSWORD = "correct horse battery";
const email = () => `noproxy-${randomUUID()}@example.test`;

async function outcome(credentials: { email: string; password: string }, cookie?: string): Promise<string> {
  try {
    return (await authorizeCredentials(credentials, { "x-forwarded-for": "203.0.113.9", ...(cookie ? { cookie } : {}) })) ? "ok" : "wrong";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("limits when clients can't be told apart", () => {
  it("one guesser spreading failures over many accounts does not lock everyone else out (regression: a shared address budget did)", async () => {
    const failures = await Promise.all(Array.from({ length: 12 }, () => outcome({ email: email(), password: "wrong" })));
    expect(failures).toEqual(Array(12).fill("wrong"));
    const owner = email();
    await createUser({ email: owner, passwordHash: await hashPassword(PASSWORD) });
    expect(await outcome({ email: owner, password: PASSWORD })).toBe("ok");
  });

  it("still caps guesses at each account", async () => {
    const account = email();
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await outcome({ email: account, password: `wrong-${i}` }));
    expect(outcomes.slice(0, 3)).toEqual(["wrong", "wrong", "wrong"]);
    expect(outcomes.slice(3).every((o) => o.startsWith("rate_limited:"))).toBe(true);
  });

  it("a stranger's failures refuse new browsers but never the owner's known one (regression: they locked the owner out)", async () => {
    const account = email();
    await createUser({ email: account, passwordHash: await hashPassword(PASSWORD) });
    for (let i = 0; i < 5; i++) await outcome({ email: account, password: `guess-${i}` });
    expect(await outcome({ email: account, password: PASSWORD })).toMatch(/^rate_limited:/);
    expect(await outcome({ email: account, password: PASSWORD }, deviceCookieFor(account).split(";")[0])).toBe("ok");
  });

  it.each([
    ["a known address", "198.51.100.4", 10, 10],
    ["the shared budget", UNKNOWN_ADDRESS, 10, 10 * SHARED_SIGN_UP_FACTOR],
  ])("sign-ups from %s get %i x the per-address limit", (_, address, perAddress, expected) => {
    expect(signUpLimitFor(address, perAddress)).toBe(expected);
  });
});
