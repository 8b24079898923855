import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "./account-api";
import { ApiError } from "./api-error";

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async (_url: URL | string, _init?: RequestInit) => new Response(JSON.stringify(body), { status, headers }));
}

afterEach(() => vi.unstubAllGlobals());

describe("register", () => {
  it("posts the details as JSON to /api/register and resolves with the accepted answer", async () => {
    const fetch = answer(202, { status: "accepted", message: "Sign in to continue." });
    vi.stubGlobal("fetch", fetch);
    expect(await register({ email: "a@example.test", password: "s3cret-password", name: "A" })).toEqual({ status: "accepted", message: "Sign in to continue." });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/register");
    expect([init?.method, new Headers(init?.headers).get("content-type"), JSON.parse(String(init?.body))]).toEqual([
      "POST",
      "application/json",
      { email: "a@example.test", password: "s3cret-password", name: "A" },
    ]);
  });

  it("throws a 429 as ApiError with the server's wait in seconds, uncapped", async () => {
    vi.stubGlobal("fetch", answer(429, { error: { code: "rate_limited", message: "Too many sign-ups." } }, { "retry-after": "1234" }));
    const err = await register({ email: "a@example.test", password: "s3cret-password" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: "rate_limited", message: "Too many sign-ups.", retryAfterSeconds: 1234 });
  });

  it("throws a refusal with the server's message", async () => {
    vi.stubGlobal("fetch", answer(400, { error: { code: "bad_request", message: "password: must be at least 8 characters" } }));
    await expect(register({ email: "a@example.test", password: "short" })).rejects.toMatchObject({ status: 400, message: "password: must be at least 8 characters" });
  });
});
