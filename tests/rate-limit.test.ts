import { randomUUID } from "node:crypto";
import { and, count, eq, like, lt } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { POST as signParts } from "@/app/api/uploads/[id]/parts/route";
import { GET as getUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { POST as completeBatch } from "@/app/api/uploads/batch/complete/route";
import { POST as createLink } from "@/app/api/files/[id]/links/route";
import { DELETE as revokeLink } from "@/app/api/links/[id]/route";
import { POST as createToken } from "@/app/api/tokens/route";
import { DELETE as revokeToken } from "@/app/api/tokens/[id]/route";
import { GET as me } from "@/app/api/me/route";
import { getDb } from "@/db";
import { createFileItem, getFileItemById } from "@/db/queries/file-items";
import { apiTokens, fileItems, rateLimits, shareLinks } from "@/db/schema";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import type { CreateShareLinkResponse } from "@/lib/contracts/share-link-schemas";
import { getEnv } from "@/server/env";
import { MIB } from "@/lib/units";
import { RATE_LIMIT_WINDOW_MS } from "@/server/ops/rate-limit-window";
import { consumeRateLimit, rateLimitBucket, rateLimitWindowMs, type RateLimitKind } from "@/server/ops/rate-limit";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { withPostForms } from "../testing/store-abilities";

const bucket = () => `test:${randomUUID()}`;
const png = (name: string) => ({ name, size: 1, type: "image/png" });

async function rowCount(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(fileItems).where(eq(fileItems.userId, userId));
  return row!.n;
}

async function storedCount(name: string): Promise<number> {
  const db = await getDb();
  const rows = await db.select({ count: rateLimits.count }).from(rateLimits).where(eq(rateLimits.bucket, name));
  return rows.reduce((sum, row) => sum + row.count, 0);
}

/** Spends the user's whole budget for this window and the next, so a window boundary can't free it mid-test. */
async function exhaust(kind: RateLimitKind, userId: string, limit: number, leave = 0) {
  const windowMs = rateLimitWindowMs(kind);
  for (const now of [Date.now(), Date.now() + windowMs]) {
    const spent = await consumeRateLimit({ bucket: rateLimitBucket(kind, userId), limit, cost: limit - leave, now, windowMs });
    expect(spent.allowed).toBe(true);
  }
}

withPostForms();

describe("consumeRateLimit against Postgres", () => {
  it("lets exactly `limit` of N + 5 concurrent calls through", async () => {
    const name = bucket();
    const limit = 20;
    const results = await Promise.all(Array.from({ length: limit + 5 }, () => consumeRateLimit({ bucket: name, limit })));
    expect(results.filter((r) => r.allowed)).toHaveLength(limit);
    expect(await storedCount(name)).toBe(limit);
  });

  it("counts by cost, and a refused call spends nothing", async () => {
    const name = bucket();
    expect((await consumeRateLimit({ bucket: name, limit: 100, cost: 60 })).allowed).toBe(true);
    expect((await consumeRateLimit({ bucket: name, limit: 100, cost: 41 })).allowed).toBe(false);
    expect((await consumeRateLimit({ bucket: name, limit: 100, cost: 40 })).allowed).toBe(true);
    expect((await consumeRateLimit({ bucket: name, limit: 100, cost: 1 })).allowed).toBe(false);
    expect(await storedCount(name)).toBe(100);
  });

  it("refuses a cost larger than the whole limit", async () => {
    expect((await consumeRateLimit({ bucket: bucket(), limit: 5, cost: 6 })).allowed).toBe(false);
  });

  it("starts afresh in the next window and tells how long until then", async () => {
    const name = bucket();
    const start = Math.floor(Date.now() / RATE_LIMIT_WINDOW_MS) * RATE_LIMIT_WINDOW_MS + 5 * RATE_LIMIT_WINDOW_MS;
    expect(await consumeRateLimit({ bucket: name, limit: 1, now: start + 15_000 })).toEqual({ allowed: true, retryAfterSeconds: 45 });
    expect(await consumeRateLimit({ bucket: name, limit: 1, now: start + 50_500 })).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect((await consumeRateLimit({ bucket: name, limit: 1, now: start + RATE_LIMIT_WINDOW_MS })).allowed).toBe(true);
  });

  it("deletes windows that have ended when a new window opens", async () => {
    const old = bucket();
    const longAgo = Date.now() - 10 * RATE_LIMIT_WINDOW_MS;
    await consumeRateLimit({ bucket: old, limit: 5, now: longAgo });
    expect(await storedCount(old)).toBe(1);
    await consumeRateLimit({ bucket: bucket(), limit: 5 });
    expect(await storedCount(old)).toBe(0);
    const db = await getDb();
    // Within the family only: sign-in and sign-up limits keep longer windows, and their own cleanup.
    const [stale] = await db
      .select({ n: count() })
      .from(rateLimits)
      .where(and(lt(rateLimits.windowStart, new Date(Date.now() - 2 * RATE_LIMIT_WINDOW_MS)), like(rateLimits.bucket, "test:%")));
    expect(stale!.n).toBe(0);
  });
});

describe("rate limits on the signing routes", () => {
  it("answers 429 rate_limited with Retry-After once the upload requests budget is spent, creating nothing", async () => {
    const { user, cookie } = await createSignedInUser();
    await exhaust("upload-requests", user.id, getEnv().RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE);
    const res = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "a.png", size: 1, type: "image/png" } }));
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    const db = await getDb();
    const [row] = await db.select({ n: count() }).from(fileItems).where(and(eq(fileItems.userId, user.id)));
    expect(row!.n).toBe(0);

    // Limits are per user: someone else still uploads.
    const other = await createSignedInUser();
    expect((await createUpload(jsonRequest("/api/uploads", { cookie: other.cookie, body: { name: "a.png", size: 1, type: "image/png" } }))).status).toBe(201);
  });

  it("brakes new file items per hour: a request whose files do not fit is refused whole, with the hour's Retry-After", async () => {
    const { user, cookie } = await createSignedInUser();
    await exhaust("upload-files", user.id, getEnv().RATE_LIMIT_UPLOAD_FILES_PER_HOUR, 1);
    const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files: [png("a.png"), png("b.png")] } }));
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter >= 1 && retryAfter <= 3600).toBe(true);
    expect(await rowCount(user.id)).toBe(0);
    expect((await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files: [png("a.png")] } }))).status).toBe(200);
    expect(await rowCount(user.id)).toBe(1);
  });

  it("counts part URLs, not requests: 3 over the remaining 2 is refused, 2 are signed", async () => {
    const { user, cookie } = await createSignedInUser();
    const created = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "big.mp4", size: 200 * MIB, type: "video/mp4" } }));
    expect(created.status).toBe(201);
    const { file } = await created.json();
    await exhaust("parts", user.id, getEnv().RATE_LIMIT_PARTS_PER_MINUTE, 2);
    const sign = (partNumbers: number[]) =>
      signParts(
        jsonRequest(`/api/uploads/${file.id}/parts`, { cookie, body: { partNumbers, checksums: Object.fromEntries(partNumbers.map((n) => [String(n), "AAAAAA=="])) } }),
        routeParams({ id: file.id }),
      );
    const refused = await sign([1, 2, 3]);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    const signed = await sign([1, 2]);
    expect(signed.status).toBe(200);
    expect((await signed.json()).parts).toHaveLength(2);
    expect((await sign([3])).status).toBe(429);
  });
});

describe("budget spent before validation (regression: a 413 or 415 used to cost one)", () => {
  it("spends no uploads budget on requests refused as invalid (400, 413, 415)", async () => {
    const { user, cookie } = await createSignedInUser();
    await exhaust("upload-requests", user.id, getEnv().RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE, 1);
    const spentBefore = await storedCount(rateLimitBucket("upload-requests", user.id));
    const upload = (body: unknown) => createUpload(jsonRequest("/api/uploads", { cookie, body }));
    expect((await upload({ name: "a.png", size: -1, type: "image/png" })).status).toBe(400);
    expect((await upload({ name: "a.png", size: getEnv().UPLOAD_MAX_BYTES + 1, type: "image/png" })).status).toBe(413);
    expect((await upload({ name: "a.exe", size: 1, type: "application/x-msdownload" })).status).toBe(415);
    expect((await upload({ name: "a.jpg", size: 1, type: "image/png" })).status).toBe(415);
    expect(await storedCount(rateLimitBucket("upload-requests", user.id))).toBe(spentBefore);
    // The one request left in the budget still goes through, and then the limit holds.
    expect((await upload({ name: "a.png", size: 1, type: "image/png" })).status).toBe(201);
    expect((await upload({ name: "a.png", size: 1, type: "image/png" })).status).toBe(429);
  });

  it("spends no parts budget on a batch refused as invalid (outside the plan, missing CRC32, not pending)", async () => {
    const { user, cookie } = await createSignedInUser();
    const created = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "big.mp4", size: 200 * MIB, type: "video/mp4" } }));
    const { file } = await created.json();
    await exhaust("parts", user.id, getEnv().RATE_LIMIT_PARTS_PER_MINUTE, 2);
    const spentBefore = await storedCount(rateLimitBucket("parts", user.id));
    const sign = (body: unknown) => signParts(jsonRequest(`/api/uploads/${file.id}/parts`, { cookie, body }), routeParams({ id: file.id }));
    expect((await sign({ partNumbers: [1, 99], checksums: { 1: "AAAAAA==", 99: "AAAAAA==" } })).status).toBe(400);
    expect((await sign({ partNumbers: [1, 2], checksums: { 1: "AAAAAA==" } })).status).toBe(400);
    expect((await sign({ partNumbers: [1, 2], checksums: { 1: "AAAAAA==", 2: "AAAAAA==", 3: "AAAAAA==" } })).status).toBe(400);
    expect(await storedCount(rateLimitBucket("parts", user.id))).toBe(spentBefore);
    expect((await sign({ partNumbers: [1, 2], checksums: { 1: "AAAAAA==", 2: "AAAAAA==" } })).status).toBe(200);

    // With the budget spent, a batch for an upload that is not multipart is still told so (409, not 429).
    const small = await (await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "a.png", size: 1, type: "image/png" } }))).json();
    const spent = await storedCount(rateLimitBucket("parts", user.id));
    const notMultipart = await signParts(
      jsonRequest(`/api/uploads/${small.file.id}/parts`, { cookie, body: { partNumbers: [1], checksums: { 1: "AAAAAA==" } } }),
      routeParams({ id: small.file.id }),
    );
    expect(notMultipart.status).toBe(409);
    expect(await storedCount(rateLimitBucket("parts", user.id))).toBe(spent);
  });
});

describe("rate limits on completes, upload status, share links and API tokens (issue 23)", () => {
  async function expectRateLimited(res: Response, windowSeconds: number) {
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds).toBe(true);
  }

  async function pendingUpload(cookie: string, body: { name: string; size: number; type: string } = png("a.png")): Promise<string> {
    const res = await createUpload(jsonRequest("/api/uploads", { cookie, body }));
    expect(res.status).toBe(201);
    return ((await res.json()) as { file: { id: string } }).file.id;
  }

  async function uploadedFile(userId: string): Promise<string> {
    const id = randomUUID();
    await createFileItem({ id, userId, name: "shared.png", key: `u/${userId}/${id}.png`, size: 1, contentType: "image/png", status: "uploaded", uploadedAt: new Date() });
    return id;
  }

  it("completes count one per file item, single or in a batch; refused, nothing is checked or moved", async () => {
    const { user, cookie } = await createSignedInUser();
    const [a, b, c] = [await pendingUpload(cookie), await pendingUpload(cookie), await pendingUpload(cookie)];
    await exhaust("completes", user.id, getEnv().RATE_LIMIT_COMPLETES_PER_MINUTE, 2);
    const batch = (ids: string[]) => completeBatch(jsonRequest("/api/uploads/batch/complete", { cookie, body: { ids } }));
    await expectRateLimited(await batch([a, b, c]), 60);
    // Two units left: the batch of two is answered (409: nothing was posted), then one more is refused.
    const answered = await batch([a, b]);
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { results: Array<{ status: number }> }).results.map((r) => r.status)).toEqual([409, 409]);
    await expectRateLimited(await completeUpload(jsonRequest(`/api/uploads/${c}/complete`, { method: "POST", cookie }), routeParams({ id: c })), 60);
    expect((await getFileItemById({ id: c, ownerId: user.id }))!.status).toBe("pending");
  });

  it("GET /api/uploads/{id} counts one per request", async () => {
    const { user, cookie } = await createSignedInUser();
    const id = await pendingUpload(cookie, { name: "big.mp4", size: 200 * MIB, type: "video/mp4" });
    await exhaust("upload-status", user.id, getEnv().RATE_LIMIT_UPLOAD_STATUS_PER_MINUTE, 1);
    const status = () => getUpload(jsonRequest(`/api/uploads/${id}`, { cookie }), routeParams({ id }));
    expect((await status()).status).toBe(200);
    await expectRateLimited(await status(), 60);
  });

  it("share links: each create and revoke counts; refused, nothing is made or revoked", async () => {
    const { user, cookie } = await createSignedInUser();
    const fileId = await uploadedFile(user.id);
    await exhaust("link-changes", user.id, getEnv().RATE_LIMIT_SHARE_LINK_CHANGES_PER_HOUR, 1);
    const create = () => createLink(jsonRequest(`/api/files/${fileId}/links`, { cookie, body: {} }), routeParams({ id: fileId }));
    const made = await create();
    expect(made.status).toBe(201);
    const { link } = (await made.json()) as CreateShareLinkResponse;
    await expectRateLimited(await create(), 3600);
    await expectRateLimited(await revokeLink(jsonRequest(`/api/links/${link.id}`, { method: "DELETE", cookie }), routeParams({ id: link.id })), 3600);
    const db = await getDb();
    const rows = await db.select().from(shareLinks).where(eq(shareLinks.userId, user.id));
    expect(rows.map((row) => [row.id, row.revokedAt])).toEqual([[link.id, null]]);
  });

  it("API tokens: each create and revoke counts; refused, nothing is made or revoked", async () => {
    const { user, cookie } = await createSignedInUser();
    await exhaust("token-changes", user.id, getEnv().RATE_LIMIT_TOKEN_CHANGES_PER_HOUR, 1);
    const create = () => createToken(jsonRequest("/api/tokens", { cookie, body: { name: "ci" } }));
    const made = await create();
    expect(made.status).toBe(201);
    const { token, secret } = (await made.json()) as CreateTokenResponse;
    await expectRateLimited(await create(), 3600);
    await expectRateLimited(await revokeToken(jsonRequest(`/api/tokens/${token.id}`, { method: "DELETE", cookie }), routeParams({ id: token.id })), 3600);
    const db = await getDb();
    const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, user.id));
    expect(rows.map((row) => [row.id, row.revokedAt])).toEqual([[token.id, null]]);
    expect((await me(jsonRequest("/api/me", { bearer: secret }))).status).toBe(200);
  });
});
