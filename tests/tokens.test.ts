import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listFiles } from "@/app/api/files/route";
import { GET as me } from "@/app/api/me/route";
import { DELETE as revokeToken } from "@/app/api/tokens/[id]/route";
import { GET as listTokens, POST as createToken } from "@/app/api/tokens/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { getDb } from "@/db";
import { apiTokens } from "@/db/schema";
import { MAX_ACTIVE_TOKENS_PER_USER, type CreateTokenResponse, type ListTokensResponse } from "@/lib/contracts/api-token-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { withPostForms } from "../testing/store-abilities";

async function mint(cookie: string, name = "CI script"): Promise<CreateTokenResponse> {
  const res = await createToken(jsonRequest("/api/tokens", { cookie, body: { name } }));
  expect(res.status).toBe(201);
  return (await res.json()) as CreateTokenResponse;
}

const revoke = (id: string, auth: { cookie?: string; bearer?: string }) =>
  revokeToken(jsonRequest(`/api/tokens/${id}`, { method: "DELETE", ...auth }), routeParams({ id }));

/** A script's call: the token and nothing else (no cookie, no Origin). */
const asScript = (path: string, secret: string, body?: unknown) =>
  jsonRequest(path, { bearer: secret, body, headers: { origin: null } });

async function tokenRows(userId: string) {
  const db = await getDb();
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId));
}

withPostForms();

describe("POST /api/tokens", () => {
  it("returns the secret once and stores only its SHA-256", async () => {
    const { user, cookie } = await createSignedInUser();
    const { token, secret } = await mint(cookie);
    expect(secret).toMatch(/^upl_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({ id: expect.any(String), name: "CI script", prefix: secret.slice(0, 10), createdAt: expect.any(String), lastUsedAt: null });

    const [row] = await tokenRows(user.id);
    expect(row!.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret.slice(10));

    const listed = (await (await listTokens(jsonRequest("/api/tokens", { cookie }))).json()) as ListTokensResponse;
    expect(listed.tokens).toEqual([token]);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(10));
    expect(JSON.stringify(listed)).not.toContain(row!.tokenHash);
  });

  it.each([
    ["an empty name", { name: "" }],
    ["a blank name", { name: "   " }],
    ["a 101-character name", { name: "n".repeat(101) }],
    ["a newline in the name", { name: "ci\nscript" }],
    ["a missing name", {}],
    ["a number as name", { name: 7 }],
  ])("answers 400 naming the field for %s", async (_label, body) => {
    const { cookie } = await createSignedInUser();
    const res = await createToken(jsonRequest("/api/tokens", { cookie, body }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/^name:/);
  });

  it("accepts a 100-character name", async () => {
    const { cookie } = await createSignedInUser();
    expect((await mint(cookie, "n".repeat(100))).token.name).toHaveLength(100);
  });

  it(`allows ${MAX_ACTIVE_TOKENS_PER_USER} active tokens, even when requests race, and frees a slot on revoke`, async () => {
    const { user, cookie } = await createSignedInUser();
    for (let i = 0; i < MAX_ACTIVE_TOKENS_PER_USER - 5; i++) await mint(cookie, `token ${i}`);
    const racing = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createToken(jsonRequest("/api/tokens", { cookie, body: { name: `racer ${i}` } }))),
    );
    expect(racing.filter((res) => res.status === 201)).toHaveLength(5);
    const refused = racing.find((res) => res.status !== 201)!;
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe("conflict");
    expect(await tokenRows(user.id)).toHaveLength(MAX_ACTIVE_TOKENS_PER_USER);

    const [first] = await tokenRows(user.id);
    expect((await revoke(first!.id, { cookie })).status).toBe(204);
    await mint(cookie, "after revoke");
  });
});

describe("Authorization: Bearer <token>", () => {
  it("works on /api/uploads, /api/files and /api/me without a cookie or an Origin", async () => {
    const { user, cookie } = await createSignedInUser();
    const { secret } = await mint(cookie);
    const created = await createUpload(asScript("/api/uploads", secret, { name: "cli.png", size: 10, type: "image/png" }));
    expect(created.status).toBe(201);
    const files = await listFiles(asScript("/api/files", secret));
    expect(files.status).toBe(200);
    expect((await files.json()).files).toEqual([]);
    expect((await (await me(asScript("/api/me", secret))).json()).user).toEqual({ id: user.id, email: user.email, name: user.name });
  });

  it("records last use, writing at most once a minute", async () => {
    const { user, cookie } = await createSignedInUser();
    const { secret } = await mint(cookie);
    expect((await listFiles(asScript("/api/files", secret))).status).toBe(200);
    const [afterFirst] = await tokenRows(user.id);
    expect(afterFirst!.lastUsedAt).toBeInstanceOf(Date);
    expect((await listFiles(asScript("/api/files", secret))).status).toBe(200);
    const [afterSecond] = await tokenRows(user.id);
    expect(afterSecond!.lastUsedAt).toEqual(afterFirst!.lastUsedAt);
  });

  it.each([
    ["a malformed token", "not-a-token"],
    ["a well-formed unknown token", `upl_${"A".repeat(43)}`],
    ["an empty token", ""],
  ])("answers 401 for %s, even next to a valid session cookie", async (_label, secret) => {
    const { cookie } = await createSignedInUser();
    const res = await listFiles(jsonRequest("/api/files", { bearer: secret, cookie }));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  it("answers 401 at once after the token is revoked, and the list no longer shows it", async () => {
    const { cookie } = await createSignedInUser();
    const kept = await mint(cookie, "kept");
    const { token, secret } = await mint(cookie, "revoked");
    expect((await listFiles(asScript("/api/files", secret))).status).toBe(200);

    expect((await revoke(token.id, { cookie })).status).toBe(204);
    expect((await listFiles(asScript("/api/files", secret))).status).toBe(401);
    expect((await createUpload(asScript("/api/uploads", secret, { name: "a.png", size: 1, type: "image/png" }))).status).toBe(401);
    const listed = (await (await listTokens(jsonRequest("/api/tokens", { cookie }))).json()) as ListTokensResponse;
    expect(listed.tokens.map((t) => t.id)).toEqual([kept.token.id]);
    expect((await revoke(token.id, { cookie })).status).toBe(204); // repeating is a no-op
  });
});

describe("token management", () => {
  it("answers 404 for another user's token and leaves it working", async () => {
    const owner = await createSignedInUser();
    const other = await createSignedInUser();
    const { token, secret } = await mint(owner.cookie);
    const res = await revoke(token.id, { cookie: other.cookie });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    expect((await listFiles(asScript("/api/files", secret))).status).toBe(200);
    const listed = (await (await listTokens(jsonRequest("/api/tokens", { cookie: other.cookie }))).json()) as ListTokensResponse;
    expect(listed.tokens).toEqual([]);
  });

  it("answers 404 for an id that is not a uuid", async () => {
    const { cookie } = await createSignedInUser();
    expect((await revoke("nope", { cookie })).status).toBe(404);
  });

  it("refuses a token (403): a token can't mint, list or revoke tokens", async () => {
    const { user, cookie } = await createSignedInUser();
    const { token, secret } = await mint(cookie);
    const responses = [
      await createToken(jsonRequest("/api/tokens", { bearer: secret, body: { name: "escalation" } })),
      await listTokens(jsonRequest("/api/tokens", { bearer: secret })),
      await revoke(token.id, { bearer: secret }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    expect(await tokenRows(user.id)).toHaveLength(1);
    expect((await listFiles(asScript("/api/files", secret))).status).toBe(200);
  });

  it("answers 401 without a session", async () => {
    expect((await createToken(jsonRequest("/api/tokens", { body: { name: "x" } }))).status).toBe(401);
    expect((await listTokens(jsonRequest("/api/tokens"))).status).toBe(401);
  });
});
