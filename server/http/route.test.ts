import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/server/http/app-error";
import { getCurrentUser, type CurrentUser } from "@/server/auth/auth";
import { getEnv } from "@/server/env";
import { fileIdParam, partNumberParam, tokenIdParam } from "./params";
import type { RequestLogLine } from "./request-log";
import { route } from "./route";

// Stand-in auth and configuration: the wrapper's job is the order and the mapping, not sessions.
vi.mock("@/server/auth/auth", () => ({ getCurrentUser: vi.fn() }));
vi.mock("@/server/env", () => ({ getEnv: vi.fn() }));

const APP = "https://uploads.example.com";
const USER: CurrentUser = { id: "user-1", email: "a@example.test", name: null, sessionId: null };
const ID = "0b7e2a4c-7a4f-4c1e-9d7e-3f4a5b6c7d8e";

let lines: RequestLogLine[];
const sink = (line: RequestLogLine) => lines.push(line);

beforeEach(() => {
  lines = [];
  vi.mocked(getCurrentUser).mockReset().mockResolvedValue(USER);
  vi.mocked(getEnv).mockReset().mockReturnValue({ APP_URL: APP, CRON_SECRET: undefined } as ReturnType<typeof getEnv>);
});

const ok = async () => new Response(null, { status: 204 });
const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) });

function request(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Request {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const headers = { origin: APP, ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers };
  return new Request(`${APP}${path}`, { method, headers, body: init.body });
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...error };
}

describe("route: the request log", () => {
  it("writes one line with the route template, status, duration and user, and nothing from the URL", async () => {
    const handler = route({ name: "PUT /api/uploads/{id}/parts", auth: "user" }, ok, sink);
    const req = new Request("http://x/api/uploads/abc/parts?X-Amz-Signature=secret", { method: "PUT", headers: { authorization: "Bearer upl_secret" } });
    expect((await handler(req)).status).toBe(204);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", msg: "api_request", method: "PUT", route: "PUT /api/uploads/{id}/parts", status: 204, userId: "user-1" });
    expect(lines[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(lines)).not.toMatch(/secret|abc/);
  });

  it("answers a thrown error through toErrorResponse and logs the status it answered", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = route({ name: "GET /api/x", auth: "public" }, async () => Promise.reject(new Error("boom: SELECT secret")), sink);
    const res = await failing(new Request("http://x/api/x"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal", message: expect.not.stringMatching(/boom|secret/) } });
    expect(lines[0]).toMatchObject({ level: "error", status: 500, userId: null });
    consoleError.mockRestore();

    const refused = route({ name: "GET /api/y", auth: "public" }, async () => Promise.reject(new AppError("not_found", "No such file.")), sink);
    const notFound = await refused(new Request("http://x/api/y"));
    expect(notFound.status).toBe(404);
    expect((await notFound.json()).error.code).toBe("not_found");
    expect(lines[1]).toMatchObject({ level: "info", route: "GET /api/y", status: 404 });
  });

  it("names the caller on a refusal after authentication, and nobody when authentication refuses", async () => {
    const handler = route({ name: "GET /api/uploads/{id}", auth: "user", params: { id: fileIdParam } }, ok, sink);
    expect((await handler(request("/api/uploads/x"), params({ id: "x" }))).status).toBe(404);
    vi.mocked(getCurrentUser).mockRejectedValue(new AppError("unauthorized"));
    expect((await handler(request("/api/uploads/x"), params({ id: "x" }))).status).toBe(401);
    expect(lines.map((line) => [line.status, line.userId])).toEqual([
      [404, "user-1"],
      [401, null],
    ]);
  });

  it("keeps an AppError's headers (Retry-After on a 429)", async () => {
    const limited = route({ name: "POST /api/uploads", auth: "user" }, async () => {
      throw new AppError("rate_limited", undefined, { headers: { "retry-after": "7" } });
    }, sink);
    const res = await limited(request("/api/uploads", { body: "{}" }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });
});

describe("route: auth modes", () => {
  it("user: the session or an API token, and the handler gets that user", async () => {
    const handler = route({ name: "GET /api/me", auth: "user" }, async ({ user }) => Response.json({ user }), sink);
    const req = request("/api/me");
    expect(await (await handler(req)).json()).toEqual({ user: USER });
    expect(getCurrentUser).toHaveBeenCalledWith(req);
  });

  it("session: the session cookie only (getCurrentUser refuses a Bearer)", async () => {
    const handler = route({ name: "GET /api/tokens", auth: "session" }, ok, sink);
    const req = request("/api/tokens");
    await handler(req);
    expect(getCurrentUser).toHaveBeenCalledWith(req, { allowApiToken: false });
  });

  it.each([
    ["a same-origin JSON POST", "POST", { origin: APP, "content-type": "application/json" }, 204],
    ["a foreign Origin", "POST", { origin: "https://evil.example", "content-type": "application/json" }, 403],
    ["a text/plain body", "POST", { origin: APP, "content-type": "text/plain" }, 415],
    ["a GET from anywhere", "GET", { origin: "https://evil.example" }, 204],
  ])("public: no caller, and writes pass the cross-site checks (%s)", async (_label, method, headers, status) => {
    const handler = route({ name: `${method} /api/register`, auth: "public" }, async ({ user }) => (user === null ? ok() : Response.json(user)), sink);
    const body = method === "POST" ? "{}" : undefined;
    expect((await handler(new Request(`${APP}/api/register`, { method, headers, body }))).status).toBe(status);
    expect(getCurrentUser).not.toHaveBeenCalled();
  });

  it("public: a read does not read the configuration (health answers even when it is broken)", async () => {
    vi.mocked(getEnv).mockImplementation(() => {
      throw new Error("Invalid environment");
    });
    const handler = route({ name: "GET /api/health", auth: "public" }, ok, sink);
    expect((await handler(request("/api/health"))).status).toBe(204);
  });

  it.each([
    ["CRON_SECRET unset", undefined, "Bearer anything", 404],
    ["no Authorization", "s".repeat(32), undefined, 401],
    ["a wrong secret", "s".repeat(32), `Bearer ${"t".repeat(32)}`, 401],
    ["the secret under another scheme", "s".repeat(32), `Basic ${"s".repeat(32)}`, 401],
    ["Bearer CRON_SECRET", "s".repeat(32), `Bearer ${"s".repeat(32)}`, 204],
  ])("cron: %s", async (_label, secret, authorization, status) => {
    vi.mocked(getEnv).mockReturnValue({ APP_URL: APP, CRON_SECRET: secret } as ReturnType<typeof getEnv>);
    const handler = route({ name: "POST /api/internal/cleanup", auth: "cron" }, ok, sink);
    const headers: Record<string, string> = authorization ? { authorization } : {};
    expect((await handler(new Request(`${APP}/api/internal/cleanup`, { method: "POST", headers }))).status).toBe(status);
    expect(getCurrentUser).not.toHaveBeenCalled();
  });
});

describe("route: params", () => {
  const part = route(
    { name: "POST /api/uploads/{id}/parts/{n}/done", auth: "user", params: { id: fileIdParam, n: partNumberParam } },
    async ({ params }) => Response.json(params),
    sink,
  );

  it("hands over the id lowercased and the part number as a number", async () => {
    const res = await part(request("/x", { method: "POST" }), params({ id: ID.toUpperCase(), n: "7" }));
    expect(await res.json()).toEqual({ id: ID, n: 7 });
  });

  it.each(["", "..", `${ID}\n`, "x".repeat(10_000), "' OR '1'='1"])("answers 404 for the id %j", async (id) => {
    expect(await errorOf(await part(request("/x", { method: "POST" }), params({ id, n: "1" })))).toEqual({ status: 404, code: "not_found", message: "No such file." });
  });

  it.each(["0", "10001", "1.5", "abc", "", "Infinity"])("answers 400 naming n for n = %j", async (n) => {
    expect(await errorOf(await part(request("/x", { method: "POST" }), params({ id: ID, n })))).toEqual({
      status: 400,
      code: "bad_request",
      message: "n: must be a part number from 1 to 10000",
    });
  });

  it("says which kind of row is missing", async () => {
    const revoke = route({ name: "DELETE /api/tokens/{id}", auth: "session", params: { id: tokenIdParam } }, ok, sink);
    expect((await errorOf(await revoke(request("/x", { method: "DELETE" }), params({ id: "nope" })))).message).toBe("No such token.");
  });

  it("checks the caller before the id: a stranger learns nothing from a bad id", async () => {
    vi.mocked(getCurrentUser).mockRejectedValue(new AppError("unauthorized"));
    expect((await part(request("/x", { method: "POST" }), params({ id: "..", n: "0" }))).status).toBe(401);
  });
});

describe("route: item, query and body", () => {
  const bodySchema = z.object({ name: z.string().min(1) });
  const missing = vi.fn(async (): Promise<{ id: string }> => {
    throw new AppError("not_found", "No such upload.");
  });
  const rename = route(
    { name: "POST /api/uploads/{id}/parts", auth: "user", params: { id: fileIdParam }, item: async ({ user, params }) => ({ id: params.id, owner: user.id }), body: bodySchema },
    async ({ item, body }) => Response.json({ item, body }),
    sink,
  );

  it("loads the item from the caller and the params, and parses the body", async () => {
    const res = await rename(request("/x", { body: '{"name":"a.png","extra":1}' }), params({ id: ID }));
    expect(await res.json()).toEqual({ item: { id: ID, owner: "user-1" }, body: { name: "a.png" } });
  });

  it("loads the item before reading the body: a missing row is a 404 even with a bad body", async () => {
    const handler = route({ name: "POST /api/uploads/{id}/parts", auth: "user", params: { id: fileIdParam }, item: missing, body: bodySchema }, ok, sink);
    expect(await errorOf(await handler(request("/x", { body: "{" }), params({ id: ID })))).toEqual({ status: 404, code: "not_found", message: "No such upload." });
  });

  it.each([
    ["malformed JSON", "{", "body: must be valid JSON"],
    ["a JSON array", "[]", expect.stringMatching(/^body: /)],
    ["an empty body (read as {})", "", expect.stringMatching(/^name: /)],
    ["a bad field", '{"name":""}', expect.stringMatching(/^name: /)],
  ])("answers 400 naming the field for %s", async (_label, body, message) => {
    expect(await errorOf(await rename(request("/x", { body }), params({ id: ID })))).toEqual({ status: 400, code: "bad_request", message });
  });

  const list = route(
    { name: "GET /api/files", auth: "user", query: z.object({ limit: z.coerce.number().max(100).default(50), q: z.string().optional() }) },
    async ({ query }) => Response.json(query),
    sink,
  );

  it.each([
    ["defaults for absent keys", "", { limit: 50 }],
    ["an empty value counts as absent", "?limit=&q=", { limit: 50 }],
    ["the first of repeated keys", "?limit=5&limit=500", { limit: 5 }],
    ["keys the schema does not name are ignored", "?q=cat&admin=true", { limit: 50, q: "cat" }],
  ])("reads the query: %s", async (_label, search, expected) => {
    expect(await (await list(request(`/api/files${search}`))).json()).toEqual(expected);
  });

  it("answers 400 naming the query field", async () => {
    expect(await errorOf(await list(request("/api/files?limit=500")))).toMatchObject({ status: 400, code: "bad_request", message: expect.stringMatching(/^limit: /) });
  });
});
