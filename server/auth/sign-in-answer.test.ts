import { describe, expect, it } from "vitest";
import { withSignInRateLimitStatus } from "./sign-in-answer";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "set-cookie": "next-auth.csrf-token=x; Path=/" } });

describe("withSignInRateLimitStatus", () => {
  it("turns next-auth's answer for a rate-limited sign-in into 429 with Retry-After, body and cookies kept", async () => {
    const body = { url: "http://127.0.0.1:3000/api/auth/error?error=rate_limited%3A42" };
    const res = await withSignInRateLimitStatus(json(body, 401));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("42");
    expect(res.headers.get("set-cookie")).toContain("next-auth.csrf-token");
    expect(await res.json()).toEqual(body);
  });

  it("turns a sign-in refused for want of a password-check slot into 503 with Retry-After", async () => {
    const body = { url: "http://127.0.0.1:3000/api/auth/error?error=busy%3A1" };
    const res = await withSignInRateLimitStatus(json(body, 401));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual(body);
  });

  it.each([
    ["a wrong password", json({ url: "http://x/api/auth/error?error=CredentialsSignin&provider=credentials" }, 401)],
    ["a successful sign-in", json({ url: "http://x/upload" })],
    ["a body without url", json({ ok: true })],
    ["a redirect (no JSON)", new Response(null, { status: 302, headers: { location: "/signin?error=rate_limited:5" } })],
    ["HTML", new Response("<html></html>", { headers: { "content-type": "text/html" } })],
  ])("leaves %s alone", async (_label, original) => {
    const res = await withSignInRateLimitStatus(original);
    expect(res).toBe(original);
  });
});
