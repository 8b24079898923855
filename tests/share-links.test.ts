import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";
import { GET as listLinksRoute, POST as createLinkRoute } from "@/app/api/files/[id]/links/route";
import { DELETE as deleteFileRoute } from "@/app/api/files/[id]/route";
import { DELETE as revokeLinkRoute } from "@/app/api/links/[id]/route";
import { POST as createTokenRoute } from "@/app/api/tokens/route";
import { DELETE as revokeTokenRoute } from "@/app/api/tokens/[id]/route";
import * as shareDownloadModule from "@/app/s/[token]/download/route";
import { getDb } from "@/db";
import { createFileItem } from "@/db/queries/file-items";
import { apiTokens, shareLinks, type FileItem, type FileStatus } from "@/db/schema";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import type { CreateShareLinkResponse, ListShareLinksResponse } from "@/lib/contracts/share-link-schemas";
import { attachmentDisposition } from "@/server/storage/content-disposition";
import { viewSharedFile } from "@/server/sharing/share-access";
import { APP, createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { testS3 } from "../testing/s3-direct";

/** Low enough to reach quickly; each other test speaks from its own address, so none shares a budget. */
const SHARE_LIMIT = 30;

// This file's env (read once, on first use): behind one proxy, so X-Forwarded-For names the client.
beforeAll(() => {
  vi.stubEnv("TRUST_PROXY_HOPS", "1");
  vi.stubEnv("RATE_LIMIT_SHARE_REQUESTS_PER_MINUTE", String(SHARE_LIMIT));
});
afterAll(() => vi.unstubAllEnvs());

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const newAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function seed(userId: string, input: { bytes?: Uint8Array; status?: FileStatus; name?: string; type?: string } = {}): Promise<FileItem> {
  const id = randomUUID();
  const status = input.status ?? "uploaded";
  const bytes = input.bytes ?? randomBytes(1024);
  const item = await createFileItem({
    id,
    userId,
    name: input.name ?? `shared-${id}.png`,
    key: `u/${userId}/${id}.png`,
    size: bytes.length,
    contentType: input.type ?? "image/png",
    status,
    uploadedAt: status === "uploaded" ? new Date() : null,
  });
  await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: item.key, Body: bytes, ContentType: item.contentType }));
  return item;
}

const createLink = (fileId: string, cookie: string | undefined, body: unknown = {}) =>
  createLinkRoute(jsonRequest(`/api/files/${fileId}/links`, { cookie, body }), routeParams({ id: fileId }));
/** As a script does it: the API token, no cookie, no Origin. */
const createLinkWithToken = (fileId: string, secret: string) =>
  createLinkRoute(jsonRequest(`/api/files/${fileId}/links`, { bearer: secret, body: {}, headers: { origin: null } }), routeParams({ id: fileId }));
const listLinks = (fileId: string, cookie?: string) => listLinksRoute(jsonRequest(`/api/files/${fileId}/links`, { cookie }), routeParams({ id: fileId }));
const revoke = (linkId: string, cookie?: string) => revokeLinkRoute(jsonRequest(`/api/links/${linkId}`, { method: "DELETE", cookie }), routeParams({ id: linkId }));
const deleteFile = (fileId: string, cookie: string) => deleteFileRoute(jsonRequest(`/api/files/${fileId}`, { method: "DELETE", cookie }), routeParams({ id: fileId }));

const shareDownloadRoute = shareDownloadModule.GET;
/**
 * HEAD as Next.js serves it: the module's HEAD, or else its GET (Next's auto-implemented HEAD,
 * next/dist/server/route-modules/app-route/helpers/auto-implement-methods.js).
 */
const shareDownloadHead: typeof shareDownloadRoute = (shareDownloadModule as { HEAD?: typeof shareDownloadRoute }).HEAD ?? shareDownloadRoute;

/** A visitor without a session, from `address` (a fresh one unless told). */
const download = (token: string, address = newAddress()) =>
  shareDownloadRoute(new Request(`${APP}/s/${encodeURIComponent(token)}/download`, { headers: { "x-forwarded-for": address } }), routeParams({ token }));
const headDownload = (token: string) =>
  shareDownloadHead(
    new Request(`${APP}/s/${encodeURIComponent(token)}/download`, { method: "HEAD", headers: { "x-forwarded-for": newAddress() } }),
    routeParams({ token }),
  );

async function made(fileId: string, cookie: string, body: unknown = {}): Promise<{ link: CreateShareLinkResponse["link"]; token: string }> {
  const res = await createLink(fileId, cookie, body);
  expect(res.status).toBe(201);
  const { link } = (await res.json()) as CreateShareLinkResponse;
  return { link, token: new URL(link.url).pathname.replace(/^\/s\//, "") };
}

async function linksOf(fileId: string, cookie: string): Promise<ListShareLinksResponse["links"]> {
  const res = await listLinks(fileId, cookie);
  expect(res.status).toBe(200);
  return ((await res.json()) as ListShareLinksResponse).links;
}

/** The answer every link that does not work gets: status, body and headers. */
async function goneAnswer(res: Response) {
  return { status: res.status, body: await res.text(), referrer: res.headers.get("referrer-policy"), location: res.headers.get("location") };
}

let gone: Awaited<ReturnType<typeof goneAnswer>>;
beforeAll(async () => {
  gone = await goneAnswer(await download(randomBytes(32).toString("base64url")));
});

/** Waits out the end of a fixed window if the test might straddle it (a new window resets the counts). */
async function roomInWindow(windowMs: number, neededMs = 20_000) {
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("share links: create, list, revoke", () => {
  it("creates a link whose URL is shown once, stores only its hash, and downloads the same bytes", async () => {
    const { user, cookie } = await createSignedInUser();
    const bytes = randomBytes(64 * 1024);
    const file = await seed(user.id, { bytes, name: "résumé 📄.png" });
    const before = Date.now();
    const { link, token } = await made(file.id, cookie);

    expect(link.url).toMatch(new RegExp(`^${APP}/s/[A-Za-z0-9_-]{43}$`));
    expect(link).toMatchObject({ fileId: file.id, maxDownloads: null, downloads: 0, lastUsedAt: null, state: "active" });
    // The default lifetime is 7 days.
    expect(Date.parse(link.expiresAt) - before).toBeGreaterThanOrEqual(7 * 24 * 3600_000 - 1000);
    expect(Date.parse(link.expiresAt) - before).toBeLessThanOrEqual(7 * 24 * 3600_000 + 5000);

    const db = await getDb();
    const [row] = await db.select().from(shareLinks).where(eq(shareLinks.id, link.id));
    expect(row!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);

    const listed = await linksOf(file.id, cookie);
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty("url");
    expect(JSON.stringify(listed)).not.toContain(token);

    expect(await viewSharedFile(token)).toEqual({ name: file.name, size: bytes.length, type: "image/png", previewUrl: null });

    const res = await download(token);
    expect(res.status).toBe(302);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = new URL(res.headers.get("location")!);
    expect(Number(location.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(60);
    const stored = await fetch(location);
    expect(stored.status).toBe(200);
    expect(sha256(new Uint8Array(await stored.arrayBuffer()))).toBe(sha256(bytes));
    expect(stored.headers.get("content-type")).toBe("image/png");
    expect(stored.headers.get("content-disposition")).toBe(attachmentDisposition(file.name));

    const [after] = await linksOf(file.id, cookie);
    expect(after).toMatchObject({ downloads: 1, state: "active" });
    expect(Date.parse(after!.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("takes an expiry from 1 hour to 30 days and a limit; lists the file's links newest first", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const hour = await made(file.id, cookie, { expiresInHours: 1, maxDownloads: 10_000 });
    const month = await made(file.id, cookie, { expiresInHours: 720, maxDownloads: 1 });
    expect(Date.parse(hour.link.expiresAt) - Date.parse(hour.link.createdAt)).toBeCloseTo(3600_000, -4);
    expect(Date.parse(month.link.expiresAt) - Date.parse(month.link.createdAt)).toBeCloseTo(720 * 3600_000, -4);
    expect(hour.link.maxDownloads).toBe(10_000);
    expect((await linksOf(file.id, cookie)).map((l) => l.id)).toEqual([month.link.id, hour.link.id]);
  });

  it("a HEAD of the download counts nothing and signs nothing (405, Allow: GET); the GET still works", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { token } = await made(file.id, cookie, { maxDownloads: 1 });
    for (let i = 0; i < 3; i++) {
      const res = await headDownload(token);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect((await linksOf(file.id, cookie))[0]).toMatchObject({ downloads: 0, lastUsedAt: null, state: "active" });
    expect((await download(token)).status).toBe(302);
    expect((await linksOf(file.id, cookie))[0]).toMatchObject({ downloads: 1, state: "used_up" });
  });

  it("revokes at once: the next download and page view are gone; a repeat is 204; the list drops it", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { link, token } = await made(file.id, cookie);
    expect((await download(token)).status).toBe(302);
    expect((await revoke(link.id, cookie)).status).toBe(204);
    expect(await goneAnswer(await download(token))).toEqual(gone);
    expect(await viewSharedFile(token)).toBeNull();
    expect((await revoke(link.id, cookie)).status).toBe(204);
    expect(await linksOf(file.id, cookie)).toEqual([]);
  });
});

describe("share links made with an API token live no longer than the token (issue 23)", () => {
  async function mintToken(cookie: string): Promise<CreateTokenResponse> {
    const res = await createTokenRoute(jsonRequest("/api/tokens", { cookie, body: { name: "share script" } }));
    expect(res.status).toBe(201);
    return (await res.json()) as CreateTokenResponse;
  }

  async function madeWithToken(fileId: string, secret: string): Promise<{ link: CreateShareLinkResponse["link"]; token: string }> {
    const res = await createLinkWithToken(fileId, secret);
    expect(res.status).toBe(201);
    const { link } = (await res.json()) as CreateShareLinkResponse;
    return { link, token: new URL(link.url).pathname.replace(/^\/s\//, "") };
  }

  const rowOf = async (linkId: string) => (await (await getDb()).select().from(shareLinks).where(eq(shareLinks.id, linkId)))[0];

  it("records the token; revoking it kills the link (page and download, the same 404) and only that link", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const script = await mintToken(cookie);
    const other = await mintToken(cookie);
    const byToken = await madeWithToken(file.id, script.secret);
    const byOtherToken = await madeWithToken(file.id, other.secret);
    const bySession = await made(file.id, cookie);
    expect((await rowOf(byToken.link.id))!.createdByTokenId).toBe(script.token.id);
    expect((await rowOf(bySession.link.id))!.createdByTokenId).toBeNull();
    expect((await download(byToken.token)).status).toBe(302);

    const revoked = await revokeTokenRoute(jsonRequest(`/api/tokens/${script.token.id}`, { method: "DELETE", cookie }), routeParams({ id: script.token.id }));
    expect(revoked.status).toBe(204);
    expect(await goneAnswer(await download(byToken.token))).toEqual(gone);
    expect(await viewSharedFile(byToken.token)).toBeNull();
    // It is revoked with its token, so the file's list drops it; the other links keep working.
    expect((await linksOf(file.id, cookie)).map((l) => l.id).sort()).toEqual([byOtherToken.link.id, bySession.link.id].sort());
    expect((await download(byOtherToken.token)).status).toBe(302);
    expect((await download(bySession.token)).status).toBe(302);
  });

  it("is dead as soon as its token is revoked, before its own revoke lands", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const script = await mintToken(cookie);
    const { link, token } = await madeWithToken(file.id, script.secret);
    // The token's row alone, as a link read between the token's revoke and its links' would see it.
    await (await getDb()).update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, script.token.id));
    expect((await rowOf(link.id))!.revokedAt).toBeNull();
    expect(await goneAnswer(await download(token))).toEqual(gone);
    expect(await viewSharedFile(token)).toBeNull();
    expect((await rowOf(link.id))!.downloads).toBe(0);
  });

  it("goes with its token's row", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const script = await mintToken(cookie);
    const { link, token } = await madeWithToken(file.id, script.secret);
    await (await getDb()).delete(apiTokens).where(eq(apiTokens.id, script.token.id));
    expect(await rowOf(link.id)).toBeUndefined();
    expect(await goneAnswer(await download(token))).toEqual(gone);
  });
});

describe("share links that no longer work answer the same 404", () => {
  it("an expired link", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { link, token } = await made(file.id, cookie, { expiresInHours: 1 });
    expect((await download(token)).status).toBe(302);
    const db = await getDb();
    await db.update(shareLinks).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(shareLinks.id, link.id));
    expect(await goneAnswer(await download(token))).toEqual(gone);
    expect(await viewSharedFile(token)).toBeNull();
    expect((await linksOf(file.id, cookie))[0]).toMatchObject({ state: "expired", downloads: 1 });
  });

  it("a link with a limit serves exactly that many downloads", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { token } = await made(file.id, cookie, { maxDownloads: 3 });
    for (let i = 0; i < 3; i++) expect((await download(token)).status).toBe(302);
    expect(await goneAnswer(await download(token))).toEqual(gone);
    expect(await viewSharedFile(token)).toBeNull();
    expect((await linksOf(file.id, cookie))[0]).toMatchObject({ state: "used_up", downloads: 3, maxDownloads: 3 });
  });

  it("concurrent downloads racing for the last ones: only the limit succeeds", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { link, token } = await made(file.id, cookie, { maxDownloads: 5 });
    expect((await download(token)).status).toBe(302);
    const answers = await Promise.all(Array.from({ length: 24 }, () => download(token)));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 302)).toHaveLength(4);
    expect(statuses.filter((s) => s === 404)).toHaveLength(20);
    const db = await getDb();
    const [row] = await db.select().from(shareLinks).where(eq(shareLinks.id, link.id));
    expect(row!.downloads).toBe(5);
  });

  it("deleting the file kills its links, and its links list is a 404", async () => {
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { link, token } = await made(file.id, cookie);
    expect((await download(token)).status).toBe(302);
    expect((await deleteFile(file.id, cookie)).status).toBe(204);
    expect(await goneAnswer(await download(token))).toEqual(gone);
    expect(await viewSharedFile(token)).toBeNull();
    expect((await listLinks(file.id, cookie)).status).toBe(404);
    const db = await getDb();
    const [row] = await db.select().from(shareLinks).where(eq(shareLinks.id, link.id));
    expect(row!.revokedAt).not.toBeNull();
  });

  it.each([
    ["an unknown well-formed token", () => randomBytes(32).toString("base64url")],
    ["an empty token", () => ""],
    ["a short token", () => "x"],
    ["a path traversal", () => "../../etc/passwd"],
    ["a NUL byte", () => "a\u0000b"],
    ["SQL", () => "' OR '1'='1"],
    ["10,000 characters", () => "A".repeat(10_000)],
    ["a uuid", () => randomUUID()],
  ])("%s", async (_label, token) => {
    expect(await goneAnswer(await download(token()))).toEqual(gone);
    expect(await viewSharedFile(token())).toBeNull();
  });

  it("the 404 is the documented error body", () => {
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body)).toEqual({ error: { code: "not_found", message: "This link does not exist or no longer works." } });
    expect(gone.referrer).toBe("no-referrer");
    expect(gone.location).toBeNull();
  });
});

describe("share links of other people's files", () => {
  it("answers 404 to create, list and revoke by anyone but the owner, and for files not uploaded", async () => {
    const { user, cookie } = await createSignedInUser();
    const intruder = await createSignedInUser();
    const file = await seed(user.id);
    const { link, token } = await made(file.id, cookie);
    expect((await createLink(file.id, intruder.cookie)).status).toBe(404);
    expect((await listLinks(file.id, intruder.cookie)).status).toBe(404);
    expect((await revoke(link.id, intruder.cookie)).status).toBe(404);
    expect((await revoke(link.id.toUpperCase(), intruder.cookie)).status).toBe(404);
    expect((await download(token)).status).toBe(302);

    for (const status of ["pending", "completing", "deleted", "aborted", "rejected"] as const) {
      const other = await seed(user.id, { status });
      expect((await createLink(other.id, cookie)).status).toBe(404);
      expect((await listLinks(other.id, cookie)).status).toBe(404);
    }
    expect((await createLink(file.id, undefined)).status).toBe(401);
    expect((await listLinks(file.id)).status).toBe(401);
    expect((await revoke(link.id)).status).toBe(401);
  });
});

describe("share requests are rate limited per client address", () => {
  it(`answers 429 with Retry-After past ${SHARE_LIMIT} a minute from one address; others are unaffected`, async () => {
    await roomInWindow(60_000);
    const { user, cookie } = await createSignedInUser();
    const file = await seed(user.id);
    const { token } = await made(file.id, cookie);
    const address = newAddress();
    // Unknown tokens count too: the budget is what stops guessing.
    for (let i = 0; i < SHARE_LIMIT - 1; i++) expect((await download(randomBytes(32).toString("base64url"), address)).status).toBe(404);
    expect((await download(token, address)).status).toBe(302);
    const refused = await download(token, address);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(refused.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await download(token, newAddress())).status).toBe(302);
  });

  it("the share page shares that budget: proxy.ts answers 429 with Retry-After before the page renders", async () => {
    await roomInWindow(60_000);
    const address = newAddress();
    const page = (path: string) => proxy(new NextRequest(`${APP}${path}`, { headers: { "x-forwarded-for": address } }));
    for (let i = 0; i < SHARE_LIMIT - 1; i++) expect((await download(randomBytes(32).toString("base64url"), address)).status).toBe(404);
    // The last unit goes to a page view, which the proxy lets through to the page.
    expect((await page(`/s/${randomBytes(32).toString("base64url")}`)).status).toBe(200);
    const refused = await page(`/s/${randomBytes(32).toString("base64url")}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await refused.text()).toMatch(/Too many requests/);
    // Other pages are not counted or refused.
    expect((await page("/files")).status).toBe(200);
  });
});
