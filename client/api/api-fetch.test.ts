import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api-error";
import { createApiFetch, jsonRequest } from "./api-fetch";

function answer(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async (_url: URL | string, _init?: RequestInit) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers }));
}

afterEach(() => vi.unstubAllGlobals());

describe("createApiFetch", () => {
  it("calls the page's own origin by default, with the session cookie", async () => {
    const fetch = answer(200, { files: [] });
    vi.stubGlobal("fetch", fetch);
    expect(await createApiFetch()("/api/files")).toEqual({ files: [] });
    expect(fetch.mock.calls[0]![0]).toBe("/api/files");
    expect(fetch.mock.calls[0]![1]).toMatchObject({ credentials: "same-origin" });
  });

  it("calls the CLI's base URL with its token and the request's own headers", async () => {
    const fetch = answer(201, { file: { id: "a" } });
    vi.stubGlobal("fetch", fetch);
    const call = createApiFetch({ baseUrl: "http://app.test:3000", headers: { authorization: "Bearer upl_x" } });
    await call("/api/uploads", jsonRequest("POST", { name: "a.png" }));
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe("http://app.test:3000/api/uploads");
    const headers = new Headers(init?.headers);
    expect([headers.get("authorization"), headers.get("content-type"), init?.body]).toEqual(["Bearer upl_x", "application/json", '{"name":"a.png"}']);
  });

  it("answers a 204 with undefined", async () => {
    vi.stubGlobal("fetch", answer(204));
    expect(await createApiFetch()("/api/uploads/a", { method: "DELETE" })).toBeUndefined();
  });

  it("throws the API's error as ApiError(status, code, message, retryAfterMs)", async () => {
    vi.stubGlobal("fetch", answer(429, { error: { code: "rate_limited", message: "Slow down." } }, { "retry-after": "2" }));
    const err = await createApiFetch()("/api/uploads").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: "rate_limited", message: "Slow down.", retryAfterMs: 2_000, retryAfterSeconds: 2 });
  });

  it("keeps the server's wait in seconds uncapped for people, while retryAfterMs stays capped for retries", async () => {
    vi.stubGlobal("fetch", answer(429, { error: { code: "rate_limited", message: "Too many sign-ups." } }, { "retry-after": "1234" }));
    await expect(createApiFetch()("/api/register")).rejects.toMatchObject({ retryAfterMs: 60_000, retryAfterSeconds: 1234 });
  });

  it.each([[null], ["0"], ["soon"]])("gives no wait in seconds for Retry-After %s", async (header) => {
    vi.stubGlobal("fetch", answer(429, { error: { code: "rate_limited", message: "Slow down." } }, header === null ? {} : { "retry-after": header }));
    await expect(createApiFetch()("/api/register")).rejects.toMatchObject({ retryAfterSeconds: null });
  });

  it("throws an answer without an error body as `internal`, naming the status", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>bad gateway</html>", { status: 502 })));
    await expect(createApiFetch()("/api/files")).rejects.toMatchObject({ status: 502, code: "internal", message: "The server answered 502." });
  });

  it("throws no answer at all as status 0, network_error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("fetch failed"))));
    await expect(createApiFetch({ baseUrl: "http://app.test" })("/api/files")).rejects.toMatchObject({ status: 0, code: "network_error", message: "http://app.test could not be reached." });
  });
});
