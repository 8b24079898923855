import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { POST as completeBatch } from "@/app/api/uploads/batch/complete/route";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { fileItems, rateLimits } from "@/db/schema";
import { getEnv } from "@/server/env";
import { RATE_LIMIT_WINDOW_MS } from "@/server/ops/rate-limit-window";
import { consumeRateLimit, rateLimitBucket, rateLimitWindowMs, type RateLimitKind } from "@/server/ops/rate-limit";
import { headObject } from "@/server/storage/objects";
import type { CompleteUploadsResponse, CreateUploadsResponse, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest } from "../testing/requests";
import { PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { withPostForms } from "../testing/store-abilities";

type Body = { name: string; size: number; type: string };
type Created = Extract<CreateUploadsResponse["results"][number], { status: 201 }>;

async function create(cookie: string, files: Body[]) {
  const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files } }));
  return { status: res.status, body: (await res.json()) as CreateUploadsResponse };
}

async function complete(cookie: string, ids: string[]) {
  const res = await completeBatch(jsonRequest("/api/uploads/batch/complete", { cookie, body: { ids } }));
  return { status: res.status, body: (await res.json()) as CompleteUploadsResponse };
}

function created(result: CreateUploadsResponse["results"][number]): Created & { upload: PostUploadTarget } {
  expect(result.status).toBe(201);
  return result as Created & { upload: PostUploadTarget };
}

/** Posts to MinIO the way the browser does: the signed fields first, the file last. */
async function post(upload: PostUploadTarget, bytes: Uint8Array) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const res = await fetch(upload.url, { method: "POST", body: form });
  expect(res.status).toBe(204);
}

/** What the user has spent of a limit in its current window. */
async function spentOf(kind: RateLimitKind, userId: string): Promise<number> {
  const db = await getDb();
  const windowMs = rateLimitWindowMs(kind);
  const start = new Date(Math.floor(Date.now() / windowMs) * windowMs);
  const rows = await db.select({ count: rateLimits.count }).from(rateLimits).where(and(eq(rateLimits.bucket, rateLimitBucket(kind, userId)), eq(rateLimits.windowStart, start)));
  return rows[0]?.count ?? 0;
}

async function rowCount(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(fileItems).where(and(eq(fileItems.userId, userId)));
  return row!.n;
}

const png = (name: string, size: number): Body => ({ name, size, type: "image/png" });
const bytes = (size: number) => startingWith(PNG_SIGNATURE, size, 7);

withPostForms();

describe("POST /api/uploads/batch", () => {
  it("answers each file in order: created ones signed for their own key and size, refused ones with their own error", async () => {
    const { cookie, user } = await createSignedInUser();
    const { status, body } = await create(cookie, [
      png("a.png", 10),
      { name: "page.html", size: 10, type: "text/html" },
      png("huge.png", getEnv().UPLOAD_MAX_BYTES + 1),
      png("b.png", 20),
    ]);
    expect(status).toBe(200);
    expect(body.results.map((r) => r.status)).toEqual([201, 415, 413, 201]);
    expect(body.results[1]).toMatchObject({ error: { code: "unsupported_type" } });
    expect(body.results[2]).toMatchObject({ error: { code: "too_large" } });
    const [a, b] = [created(body.results[0]!), created(body.results[3]!)];
    expect(a.file).toMatchObject({ name: "a.png", size: 10, status: "pending" });
    expect(b.file).toMatchObject({ name: "b.png", size: 20, status: "pending" });
    // Forms write to a staging key; complete copies the checked bytes to the final key.
    expect(a.upload.fields.key).toBe(`staging/${user.id}/${a.file.id}`);
    expect(b.upload.fields.key).toBe(`staging/${user.id}/${b.file.id}`);
    expect((await getFileItemById({ id: a.file.id, ownerId: user.id }))!.key).toBe(`u/${user.id}/${a.file.id}.png`);
    expect(await rowCount(user.id)).toBe(2);
  });

  it("signs each policy for its own file only: MinIO refuses a's bytes under b's policy", async () => {
    const { cookie } = await createSignedInUser();
    const { body } = await create(cookie, [png("a.png", 10), png("b.png", 20)]);
    const b = created(body.results[1]!);
    const form = new FormData();
    for (const [name, value] of Object.entries(b.upload.fields)) form.append(name, value);
    form.append("file", new Blob([bytes(10)]));
    expect((await fetch(b.upload.url, { method: "POST", body: form })).status).toBe(400);
  });

  it("counts a batch of 100 as one upload request and 100 files; refused files cost no file", async () => {
    const { cookie, user } = await createSignedInUser();
    const requests = await spentOf("upload-requests", user.id);
    const files = await spentOf("upload-files", user.id);
    const { body } = await create(cookie, Array.from({ length: 100 }, (_, i) => png(`${i}.png`, 1)));
    expect(body.results.every((r) => r.status === 201)).toBe(true);
    expect((await spentOf("upload-requests", user.id)) - requests).toBe(1);
    expect((await spentOf("upload-files", user.id)) - files).toBe(100);
    await create(cookie, [png("a.png", 1), { name: "x.exe", size: 1, type: "application/x-msdownload" }]);
    expect((await spentOf("upload-requests", user.id)) - requests).toBe(2);
    expect((await spentOf("upload-files", user.id)) - files).toBe(101);
  });

  it("refuses a batch once the upload requests budget is spent, creating nothing", async () => {
    const { cookie, user } = await createSignedInUser();
    const limit = getEnv().RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE;
    // Leave 1 in this window and the next, so a minute boundary cannot refill it mid-test.
    for (const now of [Date.now(), Date.now() + RATE_LIMIT_WINDOW_MS]) {
      expect((await consumeRateLimit({ bucket: rateLimitBucket("upload-requests", user.id), limit, cost: limit - 1, now })).allowed).toBe(true);
    }
    const { body } = await create(cookie, [png("a.png", 1), png("b.png", 1), png("c.png", 1)]);
    expect(body.results.map((r) => r.status)).toEqual([201, 201, 201]);
    const over = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files: [png("d.png", 1)] } }));
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await rowCount(user.id)).toBe(3);
  });

  it("answers 401 without a session", async () => {
    const res = await createBatch(jsonRequest("/api/uploads/batch", { body: { files: [png("a.png", 1)] } }));
    expect(res.status).toBe(401);
  });
});

describe("POST /api/uploads/batch/complete", () => {
  it("completes the stored ones and answers each of the others with its own reason", async () => {
    const owner = await createSignedInUser();
    const other = await createSignedInUser();
    const { body } = await create(owner.cookie, [png("a.png", 100), png("b.png", 5000), png("never-sent.png", 10)]);
    const [a, b, unsent] = body.results.map(created);
    await post(a!.upload, bytes(100));
    await post(b!.upload, bytes(5000));
    const theirs = created((await create(other.cookie, [png("theirs.png", 10)])).body.results[0]!);
    await post(theirs.upload, bytes(10));

    const ids = [a!.file.id, b!.file.id.toUpperCase(), unsent!.file.id, theirs.file.id, randomUUID(), "../../etc/passwd"];
    const { status, body: answer } = await complete(owner.cookie, ids);
    expect(status).toBe(200);
    expect(answer.results.map((r) => r.status)).toEqual([200, 200, 409, 404, 404, 404]);
    expect(answer.results[0]).toMatchObject({ file: { id: a!.file.id, status: "uploaded", size: 100 } });
    expect(answer.results[1]).toMatchObject({ file: { id: b!.file.id, status: "uploaded", size: 5000 } });
    expect(answer.results[2]).toMatchObject({ error: { code: "upload_incomplete" } });
    expect(answer.results[3]).toMatchObject({ error: { code: "not_found" } });

    // Size and checksum come from S3 itself (a browser POST has no checksum of ours to keep).
    const row = await getFileItemById({ id: b!.file.id, ownerId: owner.user.id });
    const stored = await headObject(row!.key);
    expect(row).toMatchObject({ status: "uploaded", size: stored!.size, checksum: stored!.checksum });
    expect((await getFileItemById({ id: theirs.file.id, ownerId: other.user.id }))!.status).toBe("pending");
    // The one not yet sent is pending again, for a later complete; the completed ones' staging
    // objects went in one DeleteObjects, their served objects stay.
    expect((await getFileItemById({ id: unsent!.file.id, ownerId: owner.user.id }))!.status).toBe("pending");
    for (const done of [a!, b!]) {
      expect(await headObject(done.upload.fields.key!)).toBeNull();
      expect(await headObject((await getFileItemById({ id: done.file.id, ownerId: owner.user.id }))!.key)).not.toBeNull();
    }
  });

  it("is safe to repeat, and completes an empty file", async () => {
    const { cookie } = await createSignedInUser();
    const { body } = await create(cookie, [png("empty.png", 0), png("a.png", 10)]);
    const [empty, a] = body.results.map(created);
    await post(empty!.upload, bytes(0));
    await post(a!.upload, bytes(10));
    const first = await complete(cookie, [empty!.file.id, a!.file.id]);
    const again = await complete(cookie, [a!.file.id, a!.file.id, empty!.file.id]);
    expect(first.body.results.map((r) => r.status)).toEqual([200, 200]);
    expect(again.body.results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(again.body.results[0]).toEqual(first.body.results[1]);
  });

  it("rejects and removes a file whose bytes contradict its type, and completes the rest", async () => {
    const { cookie, user } = await createSignedInUser();
    const html = new TextEncoder().encode("<!doctype html><script>steal()</script>");
    const { body } = await create(cookie, [png("cat.png", html.length), png("ok.png", 10)]);
    const [cat, ok] = body.results.map(created);
    await post(cat!.upload, html);
    await post(ok!.upload, bytes(10));
    const { body: answer } = await complete(cookie, [cat!.file.id, ok!.file.id]);
    expect(answer.results.map((r) => r.status)).toEqual([415, 200]);
    const row = await getFileItemById({ id: cat!.file.id, ownerId: user.id });
    expect(row!.status).toBe("rejected");
    expect(await headObject(row!.key)).toBeNull();
    expect(await headObject(cat!.upload.fields.key!)).toBeNull();
  });

  it.each([
    ["no ids", { ids: [] }],
    ["101 ids", { ids: Array.from({ length: 101 }, () => randomUUID()) }],
    ["an id that is not a string", { ids: [5] }],
  ])("refuses %s as a whole with 400", async (_label, body) => {
    const { cookie } = await createSignedInUser();
    const res = await completeBatch(jsonRequest("/api/uploads/batch/complete", { cookie, body }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
  });
});
