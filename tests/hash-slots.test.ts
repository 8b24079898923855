// First: the auth flow runs next-auth in Next's request scope, set up before Next's modules load.
import { signInWithPassword } from "./auth-flow";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as register } from "@/app/api/register/route";
import { createUser } from "@/db/queries/users";
import { jsonRequest } from "../testing/requests";

/**
 * scrypt held open on demand: each hash or check waits until the test lets it finish, so the test
 * knows exactly how many are running when the next request comes (no timing).
 */
const scrypt = vi.hoisted(() => {
  const state = { running: 0, started: 0, hold: false, waiting: [] as Array<() => void>, entered: [] as Array<() => void> };
  return {
    state,
    async around<T>(work: () => Promise<T>): Promise<T> {
      state.running++;
      state.started++;
      for (const notify of state.entered.splice(0)) notify();
      try {
        if (state.hold) await new Promise<void>((resolve) => state.waiting.push(resolve));
        return await work();
      } finally {
        state.running--;
      }
    },
    /** Resolves once `n` hashes are running. */
    async whenRunning(n: number): Promise<void> {
      while (state.running < n) await new Promise<void>((resolve) => state.entered.push(resolve));
    },
    release() {
      state.hold = false;
      for (const resume of state.waiting.splice(0)) resume();
    },
  };
});
vi.mock("@/server/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/server/auth/password")>();
  return {
    hashPassword: (password: string) => scrypt.around(() => real.hashPassword(password)),
    verifyPassword: (password: string, stored: string) => scrypt.around(() => real.verifyPassword(password, stored)),
  };
});

// This file's env (read once, on first use): two hashes at once per process.
beforeAll(() => vi.stubEnv("AUTH_HASH_CONCURRENCY", "2"));
afterAll(() => vi.unstubAllEnvs());

const email = () => `slots-${randomUUID()}@example.test`;
const PASSWORD = "correct horse battery";
const signUp = () => register(jsonRequest("/api/register", { body: { email: email(), password: PASSWORD } }));

describe("password hashing by anonymous callers is bounded (regression: fresh emails kept scrypt busy without limit)", () => {
  it("answers 503 with Retry-After at once, sign-up and sign-in alike, while AUTH_HASH_CONCURRENCY hashes run; never queues", async () => {
    // Fresh emails: no per-account or per-address budget stands in the way, only the slots.
    const known = email();
    await createUser({ email: known, passwordHash: "scrypt$131072$8$1$c2FsdA==$aGFzaA==" });
    scrypt.state.hold = true;
    const first = [signUp(), signUp()];
    await scrypt.whenRunning(2);
    const startedBefore = scrypt.state.started;

    // These are answered while the two hashes are still held: a queue would never answer them.
    const refusedSignUp = await signUp();
    expect(refusedSignUp.status).toBe(503);
    expect(refusedSignUp.headers.get("retry-after")).toBe("1");
    expect((await refusedSignUp.json()).error).toEqual({ code: "server_busy", message: "The server is busy; try again in 1 s." });
    const refusedSignIn = await signInWithPassword(new Map(), { email: known, password: "a guess" });
    expect(refusedSignIn.status).toBe(503);
    expect(refusedSignIn.headers.get("retry-after")).toBe("1");
    expect(new URL(((await refusedSignIn.json()) as { url: string }).url).searchParams.get("error")).toBe("busy:1");
    expect(scrypt.state.started).toBe(startedBefore);

    scrypt.release();
    expect((await Promise.all(first)).map((res) => res.status)).toEqual([202, 202]);
    // The slots are free again.
    expect((await signUp()).status).toBe(202);
    expect((await signInWithPassword(new Map(), { email: known, password: "a guess" })).status).toBe(401);
  });

  it("spends no sign-in or sign-up budget on a refusal for want of a slot", async () => {
    scrypt.state.hold = true;
    const held = [signUp(), signUp()];
    await scrypt.whenRunning(2);
    const account = email();
    await createUser({ email: account, passwordHash: "scrypt$131072$8$1$c2FsdA==$aGFzaA==" });
    // Far more than any budget: none of them reaches a limit, so none can spend one.
    for (let i = 0; i < 30; i++) expect((await signInWithPassword(new Map(), { email: account, password: `guess-${i}` })).status).toBe(503);
    scrypt.release();
    await Promise.all(held);
    expect((await signInWithPassword(new Map(), { email: account, password: "a guess" })).status).toBe(401);
  });
});
