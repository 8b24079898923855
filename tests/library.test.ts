import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/files/route";
import { DELETE as deleteRoute, PATCH as patchRoute } from "@/app/api/files/[id]/route";
import { GET as downloadRoute } from "@/app/api/files/[id]/download/route";
import { createFileItem, getFileItemById } from "@/db/queries/file-items";
import type { FileItem, FileStatus } from "@/db/schema";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { attachmentDisposition } from "@/server/storage/content-disposition";
import { getEnv } from "@/server/env";
import { encodeCursor } from "@/server/library/library-cursor";
import type { LibraryPage } from "@/lib/contracts/library-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { testS3 } from "../testing/s3-direct";

type Seed = { name?: string; size?: number; type?: string; createdAt?: Date; status?: FileStatus };

/** A file item straight in the database (paging needs no bytes), uploaded unless told otherwise. */
async function seed(userId: string, input: Seed = {}): Promise<FileItem> {
  const id = randomUUID();
  const status = input.status ?? "uploaded";
  return createFileItem({
    id,
    userId,
    name: input.name ?? `file-${id}.png`,
    key: `u/${userId}/${id}`,
    size: input.size ?? 1,
    contentType: input.type ?? "image/png",
    status,
    uploadedAt: status === "uploaded" ? new Date() : null,
    ...(input.createdAt ? { createdAt: input.createdAt } : {}),
  });
}

/** A file item plus its bytes in MinIO, as if uploaded through the API. */
async function seedWithBytes(userId: string, input: Seed & { bytes: Uint8Array }): Promise<FileItem> {
  const item = await seed(userId, { ...input, size: input.bytes.length });
  await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: item.key, Body: input.bytes, ContentType: item.contentType }));
  return item;
}

async function list(cookie: string | undefined, params: Record<string, string | number> = {}) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await listRoute(jsonRequest(`/api/files?${query}`, { cookie }));
  return { status: res.status, body: (await res.json()) as LibraryPage & { error?: { code: string; message: string } } };
}

const download = (id: string, cookie?: string) => downloadRoute(jsonRequest(`/api/files/${id}/download`, { cookie }), routeParams({ id }));
const rename = (id: string, body: unknown, cookie?: string) =>
  patchRoute(jsonRequest(`/api/files/${id}`, { method: "PATCH", cookie, body }), routeParams({ id }));
const remove = (id: string, cookie?: string) => deleteRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie }), routeParams({ id }));

async function objectExists(key: string): Promise<boolean> {
  try {
    await testS3().send(new HeadObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

const ids = (files: FileItemJson[]) => files.map((f) => f.id);
const past = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, 0) + minutes * 60_000);

describe("GET /api/files paging", () => {
  type Case = { sort: "date" | "name" | "size"; order: "asc" | "desc"; key: (f: FileItemJson) => string | number };
  const lowerName = (f: FileItemJson) => f.name.toLowerCase();
  const created = (f: FileItemJson) => Date.parse(f.createdAt);

  it.each<Case>([
    { sort: "date", order: "desc", key: created },
    { sort: "date", order: "asc", key: created },
    { sort: "name", order: "asc", key: lowerName },
    { sort: "name", order: "desc", key: lowerName },
    { sort: "size", order: "asc", key: (f) => f.size },
    { sort: "size", order: "desc", key: (f) => f.size },
  ])("sort=$sort order=$order: every file once, in order, while new files arrive between pages", async ({ sort, order, key }) => {
    const { user, cookie } = await createSignedInUser();
    // Ties on every sort key (same minute, same size, same name in another case) so `id` must decide.
    const names = ["delta.png", "alpha.png", "Charlie.png", "bravo.png", "ALPHA.png", "echo.png", "foxtrot.png", "golf.png", "Bravo.png"];
    const originals = await Promise.all(
      names.map((name, i) => seed(user.id, { name, size: [10, 20, 20, 5, 10, 999, 20, 1, 5][i], createdAt: past(i % 4) })),
    );

    const seen: FileItemJson[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await list(cookie, { sort, order, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(status).toBe(200);
      expect(body.files.length).toBeLessThanOrEqual(2);
      seen.push(...body.files);
      cursor = body.nextCursor;
      // New files land between page fetches: newest, smallest, largest, and both ends of the alphabet.
      if (pages < 3) {
        await seed(user.id, { name: `aaa-new-${pages}.png`, size: 0 });
        await seed(user.id, { name: `zzz-new-${pages}.png`, size: 10_000 });
      }
      pages++;
    } while (cursor && pages < 50);

    expect(new Set(ids(seen)).size).toBe(seen.length); // no duplicates
    for (const original of originals) expect(ids(seen)).toContain(original.id); // no gaps
    // The originals come in (key, id) order.
    const sign = order === "asc" ? 1 : -1;
    const compare = (a: FileItemJson, b: FileItemJson) => {
      const [ka, kb] = [key(a), key(b)];
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return (a.id < b.id ? -1 : 1) * sign;
    };
    const originalIds = new Set(originals.map((o) => o.id));
    const seenOriginals = seen.filter((f) => originalIds.has(f.id));
    expect(ids(seenOriginals)).toEqual(ids([...seenOriginals].sort(compare)));
    // Newest first never shows a file that arrived after the first page on a later page.
    if (sort === "date" && order === "desc") expect(ids(seen).sort()).toEqual(ids(seenOriginals).sort());
  });

  it("lists only the caller's uploaded files, newest first by default, with the caller's usage", async () => {
    const { user, cookie } = await createSignedInUser();
    const other = await createSignedInUser();
    const older = await seed(user.id, { size: 100, createdAt: past(1) });
    const newer = await seed(user.id, { size: 23, createdAt: past(2) });
    for (const status of ["pending", "aborted", "deleted", "rejected"] as const) await seed(user.id, { status, size: 1000 });
    await seed(other.user.id, { size: 5000 });

    const { status, body } = await list(cookie);
    expect(status).toBe(200);
    expect(ids(body.files)).toEqual([newer.id, older.id]);
    expect(body.nextCursor).toBeNull();
    expect(body.usage).toEqual({ usedBytes: 123, quotaBytes: getEnv().USER_QUOTA_BYTES ?? null });
    expect(body.files[0]).not.toHaveProperty("key");
    expect(body.files[0]).not.toHaveProperty("userId");
  });

  it.each([
    ["0", 400],
    ["1", 200],
    ["100", 200],
    ["101", 400],
    ["-1", 400],
    ["1.5", 400],
    ["ten", 400],
  ])("limit=%s answers %i", async (limit, expected) => {
    const { cookie } = await createSignedInUser();
    const { status, body } = await list(cookie, { limit });
    expect(status).toBe(expected);
    if (expected === 400) {
      expect(body.error?.code).toBe("bad_request");
      expect(body.error?.message).toMatch(/^limit: /);
    }
  });

  it("pages at exactly the limit: 1, 100 and the default of 50", async () => {
    const { user, cookie } = await createSignedInUser();
    for (let i = 0; i < 101; i++) await seed(user.id, { createdAt: past(i) });

    const one = await list(cookie, { limit: 1 });
    expect(one.body.files).toHaveLength(1);
    expect(one.body.nextCursor).toEqual(expect.any(String));

    const first = await list(cookie, { limit: 100 });
    expect(first.body.files).toHaveLength(100);
    const last = await list(cookie, { limit: 100, cursor: first.body.nextCursor! });
    expect(last.body.files).toHaveLength(1);
    expect(last.body.nextCursor).toBeNull();

    expect((await list(cookie)).body.files).toHaveLength(50);
    expect((await list(cookie, { limit: "" as unknown as number })).body.files).toHaveLength(50);
  });

  it.each([
    ["garbage", "not a cursor!"],
    ["base64 of nonsense", Buffer.from("hello").toString("base64url")],
    ["a forged timestamp", Buffer.from(JSON.stringify({ s: "date", o: "desc", v: "2026-13-01T00:00:00Z", id: randomUUID() })).toString("base64url")],
    ["SQL in the id", Buffer.from(JSON.stringify({ s: "date", o: "desc", v: "2026-01-01T00:00:00Z", id: "' or 1=1 --" })).toString("base64url")],
    ["a cursor for another sort", encodeCursor({ sort: "size", order: "desc", value: 1, id: randomUUID() })],
  ])("answers 400 for a bad cursor: %s", async (_label, cursor) => {
    const { cookie } = await createSignedInUser();
    const { status, body } = await list(cookie, { cursor });
    expect(status).toBe(400);
    expect(body.error?.code).toBe("bad_request");
    expect(body.error?.message).toMatch(/^cursor: /);
  });

  it.each([
    ["sort", { sort: "owner" }],
    ["order", { order: "sideways" }],
    ["type", { type: "image/%" }],
    ["type", { type: "png" }],
  ])("answers 400 for a bad %s", async (field, params) => {
    const { cookie } = await createSignedInUser();
    const { status, body } = await list(cookie, params);
    expect(status).toBe(400);
    expect(body.error?.message).toMatch(new RegExp(`^${field}: `));
  });

  it("answers 401 without a session", async () => {
    expect((await list(undefined)).status).toBe(401);
  });
});

describe("GET /api/files search and type filter", () => {
  it.each([
    ["%", ["100% real.png"]],
    ["_", ["a_b.png"]],
    ["\\", ["back\\slash.png"]],
    ["HOLIDAY", ["Holiday.PNG", "holiday-2.png"]],
    ["  holiday-2 ", ["holiday-2.png"]],
    ["résumé", ["Résumé 📄.png"]],
    ["nothing like it", []],
  ])("q=%j finds %j (case-insensitive substring; wildcards match literally)", async (q, expected) => {
    const { user, cookie } = await createSignedInUser();
    const names = ["100% real.png", "100 percent.png", "a_b.png", "axb.png", "Holiday.PNG", "holiday-2.png", "back\\slash.png", "Résumé 📄.png"];
    for (const name of names) await seed(user.id, { name });
    const { status, body } = await list(cookie, { q, sort: "name", order: "asc" });
    expect(status).toBe(200);
    expect(body.files.map((f) => f.name).sort()).toEqual([...expected].sort());
  });

  it.each([
    ["image/*", ["a.png", "b.jpg", "c.gif"]],
    ["image/png", ["a.png"]],
    ["IMAGE/PNG", ["a.png"]],
    ["video/*", ["d.mp4"]],
    ["audio/mpeg", []],
  ])("type=%s", async (type, expected) => {
    const { user, cookie } = await createSignedInUser();
    const files = { "a.png": "image/png", "b.jpg": "image/jpeg", "c.gif": "image/gif", "d.mp4": "video/mp4", "e.bin": "imagex/png" };
    for (const [name, contentType] of Object.entries(files)) await seed(user.id, { name, type: contentType });
    const { body } = await list(cookie, { type });
    expect(body.files.map((f) => f.name).sort()).toEqual(expected);
  });

  it("pages a filtered, searched listing with the same cursor rules", async () => {
    const { user, cookie } = await createSignedInUser();
    for (let i = 0; i < 5; i++) await seed(user.id, { name: `match-${i}.png`, size: i, createdAt: past(i) });
    for (let i = 0; i < 5; i++) await seed(user.id, { name: `match-${i}.mp4`, type: "video/mp4", createdAt: past(i) });
    const params = { q: "match", type: "image/png", sort: "size", order: "desc", limit: 2 };
    const first = await list(cookie, params);
    const second = await list(cookie, { ...params, cursor: first.body.nextCursor! });
    const third = await list(cookie, { ...params, cursor: second.body.nextCursor! });
    expect([...first.body.files, ...second.body.files, ...third.body.files].map((f) => f.name)).toEqual([
      "match-4.png",
      "match-3.png",
      "match-2.png",
      "match-1.png",
      "match-0.png",
    ]);
    expect(third.body.nextCursor).toBeNull();
  });
});

describe("GET /api/files/{id}/download", () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 254]);

  it.each([
    ["plain", "photo.png", "image/png"],
    ["quotes and backslash", 'say "hi" \\ bye.png', "image/png"],
    ["a newline", "a\r\nSet-Cookie: stolen=1.png", "image/png"],
    ["a path", "../x", "image/png"],
    ["unicode", "résumé 📄.png", "image/png"],
    ["markup", "<script>.png", "image/png"],
    ["an active type", "page.html", "text/html"],
    ["an SVG", "logo.svg", "image/svg+xml"],
  ])("302 to MinIO, which answers the bytes as an attachment: %s", async (_label, name, type) => {
    const { user, cookie } = await createSignedInUser();
    const item = await seedWithBytes(user.id, { name, type, bytes });

    const res = await download(item.id, cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = new URL(res.headers.get("location")!);
    expect(Number(location.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(300);

    const stored = await fetch(location);
    expect(stored.status).toBe(200);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    expect(stored.headers.get("content-type")).toBe(type);
    const disposition = stored.headers.get("content-disposition")!;
    expect(disposition).toBe(attachmentDisposition(name));
    expect(disposition).toMatch(/^attachment; filename="[^"\\\r\n/]*"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
  });

  it("names the download after the base name and keeps unicode in filename*", async () => {
    const { user, cookie } = await createSignedInUser();
    const item = await seedWithBytes(user.id, { name: "../../résumé 📄.png", bytes });
    const stored = await fetch((await download(item.id, cookie)).headers.get("location")!);
    const disposition = stored.headers.get("content-disposition")!;
    expect(disposition).toContain('filename="r_sum_ __.png"');
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toBe("résumé 📄.png");
  });

  it("answers 404 for another user's file, a deleted or pending file and a non-uuid; 401 signed out", async () => {
    const { user, cookie } = await createSignedInUser();
    const other = await createSignedInUser();
    const item = await seedWithBytes(user.id, { bytes });
    expect((await download(item.id, other.cookie)).status).toBe(404);
    expect((await download((await seed(user.id, { status: "pending" })).id, cookie)).status).toBe(404);
    expect((await download((await seed(user.id, { status: "deleted" })).id, cookie)).status).toBe(404);
    expect((await download("../../etc/passwd", cookie)).status).toBe(404);
    expect((await download(item.id)).status).toBe(401);
  });
});

describe("PATCH /api/files/{id}", () => {
  it("changes the display name only; the key stays", async () => {
    const { user, cookie } = await createSignedInUser();
    const item = await seed(user.id, { name: "old.png" });
    const res = await rename(item.id, { name: "  new name é.png " }, cookie);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { file: FileItemJson };
    expect(body.file).toMatchObject({ id: item.id, name: "new name é.png", status: "uploaded", size: item.size });
    expect(body.file).not.toHaveProperty("key");
    const row = await getFileItemById({ id: item.id, ownerId: user.id });
    expect(row).toMatchObject({ name: "new name é.png", key: item.key });
    expect((await list(cookie)).body.files.map((f) => f.name)).toEqual(["new name é.png"]);
  });

  it.each([
    ["empty", { name: "" }],
    ["blank", { name: "   " }],
    ["a newline", { name: "a\nb.png" }],
    ["a NUL", { name: "a\u0000b.png" }],
    ["256 characters", { name: "x".repeat(256) }],
    ["not a string", { name: 5 }],
    ["missing", {}],
  ])("answers 400 for a name that is %s", async (_label, body) => {
    const { user, cookie } = await createSignedInUser();
    const item = await seed(user.id, { name: "keep.png" });
    const res = await rename(item.id, body, cookie);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
    expect((await getFileItemById({ id: item.id, ownerId: user.id }))!.name).toBe("keep.png");
  });

  it("accepts 255 characters", async () => {
    const { user, cookie } = await createSignedInUser();
    const item = await seed(user.id);
    expect((await rename(item.id, { name: `${"y".repeat(251)}.png` }, cookie)).status).toBe(200);
  });

  it("keeps the rules of a name at upload: an extension of the stored type, no text-direction characters (issue 23)", async () => {
    const { user, cookie } = await createSignedInUser();
    const item = await seed(user.id, { name: "invoice.png", type: "image/png" });
    for (const [name, status, code] of [
      ["invoice.hta", 415, "unsupported_type"],
      ["a.html", 415, "unsupported_type"],
      ["a.svg", 415, "unsupported_type"],
      ["invoice", 415, "unsupported_type"],
      ["invoice\u202Efdp.png", 400, "bad_request"],
    ] as const) {
      const res = await rename(item.id, { name }, cookie);
      expect(res.status, name).toBe(status);
      expect((await res.json()).error.code, name).toBe(code);
    }
    expect((await getFileItemById({ id: item.id, ownerId: user.id }))!.name).toBe("invoice.png");
    // Any extension of the type, in any case, is a name it may have.
    expect((await rename(item.id, { name: "Invoice 2026.PNG" }, cookie)).status).toBe(200);
    const jpeg = await seed(user.id, { name: "photo.jpg", type: "image/jpeg" });
    expect((await rename(jpeg.id, { name: "photo.jpeg" }, cookie)).status).toBe(200);
    expect((await rename(jpeg.id, { name: "photo.png" }, cookie)).status).toBe(415);
  });

  it("answers 400 for malformed JSON, 404 for another user's or a deleted file, 401 signed out", async () => {
    const { user, cookie } = await createSignedInUser();
    const other = await createSignedInUser();
    const item = await seed(user.id, { name: "mine.png" });
    const bad = await patchRoute(jsonRequest(`/api/files/${item.id}`, { method: "PATCH", cookie, rawBody: "{" }), routeParams({ id: item.id }));
    expect(bad.status).toBe(400);
    expect((await rename(item.id, { name: "theirs.png" }, other.cookie)).status).toBe(404);
    expect((await rename((await seed(user.id, { status: "deleted" })).id, { name: "x.png" }, cookie)).status).toBe(404);
    expect((await rename(item.id, { name: "x.png" })).status).toBe(401);
    expect((await getFileItemById({ id: item.id, ownerId: user.id }))!.name).toBe("mine.png");
  });
});

describe("DELETE /api/files/{id}", () => {
  const bytes = new Uint8Array(64).fill(9);

  it("removes the object from MinIO, marks the file item deleted and stops listing it", async () => {
    const { user, cookie } = await createSignedInUser();
    const keep = await seedWithBytes(user.id, { name: "keep.png", bytes, createdAt: past(0) });
    const gone = await seedWithBytes(user.id, { name: "gone.png", bytes });
    expect(await objectExists(gone.key)).toBe(true);

    const res = await remove(gone.id, cookie);
    expect(res.status).toBe(204);
    expect(await objectExists(gone.key)).toBe(false);
    expect((await getFileItemById({ id: gone.id, ownerId: user.id }))!.status).toBe("deleted");
    const { body } = await list(cookie);
    expect(ids(body.files)).toEqual([keep.id]);
    expect(body.usage.usedBytes).toBe(64);

    expect((await remove(gone.id, cookie)).status).toBe(404); // a second delete
    expect((await download(gone.id, cookie)).status).toBe(404);
  });

  it("answers 404 for another user's file and leaves it whole; 401 signed out", async () => {
    const { user } = await createSignedInUser();
    const other = await createSignedInUser();
    const item = await seedWithBytes(user.id, { bytes });
    expect((await remove(item.id, other.cookie)).status).toBe(404);
    expect((await remove(item.id)).status).toBe(401);
    expect(await objectExists(item.key)).toBe(true);
    expect((await getFileItemById({ id: item.id, ownerId: user.id }))!.status).toBe("uploaded");
  });

  describe("when storage refuses the delete", () => {
    // A fault-injecting stand-in for S3: every request gets a 503, as from an S3 outage.
    let proxy: Server;
    beforeAll(async () => {
      proxy = createServer((_req, res) => {
        res.writeHead(503, { "content-type": "application/xml" });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error>');
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    /** Points the app's S3 client at the proxy for `fn` (server/storage/clients.ts caches its clients on globalThis). */
    async function withBrokenStorage<T>(fn: () => Promise<T>): Promise<T> {
      const env = getEnv();
      const endpoint = env.S3_ENDPOINT;
      const cache = globalThis as unknown as { __s3?: unknown };
      env.S3_ENDPOINT = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      cache.__s3 = undefined;
      try {
        return await fn();
      } finally {
        env.S3_ENDPOINT = endpoint;
        cache.__s3 = undefined;
      }
    }

    it("deletes the file item first and answers 204; the object left behind goes at the next cleanup", async () => {
      const { user, cookie } = await createSignedInUser();
      const item = await seedWithBytes(user.id, { bytes });
      const res = await withBrokenStorage(() => remove(item.id, cookie));
      expect(res.status).toBe(204);
      expect((await getFileItemById({ id: item.id, ownerId: user.id }))!.status).toBe("deleted");
      expect(ids((await list(cookie)).body.files)).toEqual([]);
      expect((await remove(item.id, cookie)).status).toBe(404);

      await cleanupStaleUploads();
      expect(await objectExists(item.key)).toBe(false);
    });
  });
});
