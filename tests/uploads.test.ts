import { describe, expect, it } from "vitest";
import { GET as listFiles } from "@/app/api/files/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { DELETE as cancelUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { getFileItemById } from "@/db/queries/file-items";
import { headObject } from "@/server/storage/objects";
import { signUploadPost } from "@/server/storage/post-policy";
import type { CreateUploadResponse, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { withPostForms } from "../testing/store-abilities";

type Upload = PostUploadTarget;

/** Posts straight to MinIO the way the browser does: the signed fields first, the file last. */
async function postToStorage(upload: Upload, bytes: Uint8Array, overrides: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...upload.fields, ...overrides })) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  return fetch(upload.url, { method: "POST", body: form });
}

async function startUpload(cookie: string, file: { name: string; size: number; type: string }) {
  const res = await createUpload(jsonRequest("/api/uploads", { cookie, body: file }));
  expect(res.status).toBe(201);
  return (await res.json()) as CreateUploadResponse & { upload: PostUploadTarget };
}

const complete = (id: string, cookie?: string) =>
  completeUpload(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie }), routeParams({ id }));

const png = (size: number) => ({ name: "photo.PNG", size, type: "image/png" });

withPostForms();

describe("POST /api/uploads then S3 POST then complete", () => {
  it("stores exactly the declared bytes and records S3's size", async () => {
    const { cookie, user } = await createSignedInUser();
    const { file, upload } = await startUpload(cookie, png(1000));
    expect(file).toMatchObject({ name: "photo.PNG", size: 1000, type: "image/png", status: "pending" });
    expect(upload.strategy).toBe("post");
    expect(Date.parse(upload.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    expect(upload.fields.key).not.toContain("photo"); // the name is for display only
    const row = await getFileItemById({ id: file.id, ownerId: user.id });
    expect(row!.key).toBe(`u/${user.id}/${file.id}.png`);

    expect((await postToStorage(upload, startingWith(PNG_SIGNATURE, 1000, 7))).status).toBe(204);
    const res = await complete(file.id, cookie);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.file).toMatchObject({ id: file.id, status: "uploaded", size: 1000 });
    expect(body.file.uploadedAt).toEqual(expect.any(String));
  });

  it("accepts an empty file when 0 bytes were declared", async () => {
    const { cookie } = await createSignedInUser();
    const { file, upload } = await startUpload(cookie, png(0));
    expect((await postToStorage(upload, new Uint8Array(0))).status).toBe(204);
    expect((await complete(file.id, cookie)).status).toBe(200);
  });

  it.each([
    ["one byte more", 101],
    ["one byte less", 99],
  ])("MinIO rejects %s than declared, and complete answers 409", async (_label, actual) => {
    const { cookie } = await createSignedInUser();
    const { file, upload } = await startUpload(cookie, png(100));
    const res = await postToStorage(upload, new Uint8Array(actual));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const done = await complete(file.id, cookie);
    expect(done.status).toBe(409);
    expect((await done.json()).error.code).toBe("upload_incomplete");
  });

  it.each([
    ["a different key", { key: "u/someone-else/evil.png" }],
    ["a different Content-Type", { "Content-Type": "text/html" }],
  ])("MinIO rejects %s than the one signed", async (_label, overrides) => {
    const { cookie, user } = await createSignedInUser();
    const { file, upload } = await startUpload(cookie, png(10));
    const res = await postToStorage(upload, new Uint8Array(10), overrides);
    expect(res.status).toBe(403);
    const row = await getFileItemById({ id: file.id, ownerId: user.id });
    expect(await headObject(row!.key)).toBeNull();
    if ("key" in overrides) expect(await headObject(overrides.key)).toBeNull();
  });

  it("MinIO rejects an expired policy", async () => {
    const key = `u/expiry-test/${crypto.randomUUID()}.png`;
    const signed = await signUploadPost({ key, size: 5, contentType: "image/png", expiresAt: new Date(Date.now() + 1000) });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const res = await postToStorage({ strategy: "post", ...signed }, new Uint8Array(5));
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/expired/i);
    expect(await headObject(key)).toBeNull();
  });

  it("answers 409 when complete comes before the upload", async () => {
    const { cookie } = await createSignedInUser();
    const { file } = await startUpload(cookie, png(10));
    const res = await complete(file.id, cookie);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("upload_incomplete");
  });

  it("answers 404 when another user completes or cancels the file", async () => {
    const owner = await createSignedInUser();
    const other = await createSignedInUser();
    const { file, upload } = await startUpload(owner.cookie, png(10));
    await postToStorage(upload, new Uint8Array(10));
    expect((await complete(file.id, other.cookie)).status).toBe(404);
    const cancel = await cancelUpload(jsonRequest(`/api/uploads/${file.id}`, { method: "DELETE", cookie: other.cookie }), routeParams({ id: file.id }));
    expect(cancel.status).toBe(404);
    expect((await getFileItemById({ id: file.id, ownerId: owner.user.id }))!.status).toBe("pending");
  });

  it("is idempotent: a repeated and two concurrent completes return the same file", async () => {
    const { cookie } = await createSignedInUser();
    const { file, upload } = await startUpload(cookie, png(64));
    await postToStorage(upload, startingWith(PNG_SIGNATURE, 64));
    const [a, b] = await Promise.all([complete(file.id, cookie), complete(file.id, cookie)]);
    const c = await complete(file.id, cookie);
    const bodies = await Promise.all([a, b, c].map((r) => r.json()));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it("answers 404 for an id that is not a uuid", async () => {
    const { cookie } = await createSignedInUser();
    expect((await complete("../../etc/passwd", cookie)).status).toBe(404);
  });
});

describe("POST /api/uploads validation", () => {
  it.each([
    [413, "too_large", { name: "big.mp4", size: 5 * 1024 ** 4 + 1, type: "video/mp4" }],
    [415, "unsupported_type", { name: "page.html", size: 10, type: "text/html" }],
    [415, "unsupported_type", { name: "evil.html", size: 10, type: "image/png" }],
    [415, "unsupported_type", { name: "noext", size: 10, type: "image/png" }],
    [400, "bad_request", { name: "", size: 10, type: "image/png" }],
    [400, "bad_request", { name: "a.png", size: -1, type: "image/png" }],
    [400, "bad_request", { name: "a.png", size: 1.5, type: "image/png" }],
    [400, "bad_request", { name: "a.png", size: "10", type: "image/png" }],
    [400, "bad_request", { name: "a\nb.png", size: 10, type: "image/png" }],
    [400, "bad_request", { name: `${"x".repeat(252)}.png`, size: 10, type: "image/png" }],
    [400, "bad_request", { size: 10, type: "image/png" }],
  ])("answers %i %s for %j", async (status, code, body) => {
    const { cookie } = await createSignedInUser();
    const res = await createUpload(jsonRequest("/api/uploads", { cookie, body }));
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it("accepts the exact size limit (5 TiB, multipart) and a 251-character name", async () => {
    const { cookie } = await createSignedInUser();
    const res = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: `${"x".repeat(251)}.mp4`, size: 5 * 1024 ** 4, type: "video/mp4" } }));
    expect(res.status).toBe(201);
    expect((await res.json()).upload).toMatchObject({ strategy: "multipart", partSize: 525 * 1024 ** 2, partCount: 9987 });
  });

  it("answers 401 without a session", async () => {
    const res = await createUpload(jsonRequest("/api/uploads", { body: png(1) }));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });
});

describe("DELETE /api/uploads/{id}", () => {
  it("aborts the file item and removes an object already written; repeat is a no-op", async () => {
    const { cookie, user } = await createSignedInUser();
    const { file, upload } = await startUpload(cookie, png(32));
    await postToStorage(upload, new Uint8Array(32));
    // The form wrote to its staging key; the final key stays empty until complete.
    expect(await headObject(upload.fields.key!)).not.toBeNull();

    const cancel = () => cancelUpload(jsonRequest(`/api/uploads/${file.id}`, { method: "DELETE", cookie }), routeParams({ id: file.id }));
    expect((await cancel()).status).toBe(204);
    expect((await getFileItemById({ id: file.id, ownerId: user.id }))!.status).toBe("aborted");
    expect(await headObject(upload.fields.key!)).toBeNull();
    expect((await cancel()).status).toBe(204);
    expect((await complete(file.id, cookie)).status).toBe(409);
  });
});

describe("GET /api/files", () => {
  it("lists only the caller's uploaded files, newest first", async () => {
    const { cookie } = await createSignedInUser();
    const other = await createSignedInUser();
    const ids: string[] = [];
    for (const size of [13, 14]) {
      const { file, upload } = await startUpload(cookie, png(size));
      await postToStorage(upload, startingWith(PNG_SIGNATURE, size));
      await complete(file.id, cookie);
      ids.push(file.id);
    }
    await startUpload(cookie, png(5)); // pending: not listed
    const mine = await (await listFiles(jsonRequest("/api/files", { cookie }))).json();
    expect(mine.files.map((f: { id: string }) => f.id)).toEqual([ids[1], ids[0]]);
    expect(mine.files[0]).not.toHaveProperty("key");
    const theirs = await (await listFiles(jsonRequest("/api/files", { cookie: other.cookie }))).json();
    expect(theirs.files).toEqual([]);
  });
});

describe("content check at complete", () => {
  const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52];

  it.each([
    ["HTML bytes declared as PNG", { name: "cat.png", type: "image/png" }, new TextEncoder().encode("<!doctype html><script>steal()</script>"), /markup/],
    ["PNG bytes declared as JPEG", { name: "cat.jpg", type: "image/jpeg" }, new Uint8Array([...PNG_SIGNATURE, ...new Array(32).fill(0)]), /image\/png/],
  ])("rejects %s: 415, the object removed, the row rejected and never listed", async (_label, file, bytes, reason) => {
    const { cookie, user } = await createSignedInUser();
    const { file: created, upload } = await startUpload(cookie, { ...file, size: bytes.length });
    expect((await postToStorage(upload, bytes)).status).toBe(204);
    const res = await complete(created.id, cookie);
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(body.error.code).toBe("unsupported_type");
    expect(body.error.message).toMatch(reason);
    const row = await getFileItemById({ id: created.id, ownerId: user.id });
    expect(row!.status).toBe("rejected");
    expect(await headObject(row!.key)).toBeNull();
    expect((await complete(created.id, cookie)).status).toBe(409);
  });

  it("accepts a real PNG", async () => {
    const { cookie } = await createSignedInUser();
    const bytes = new Uint8Array([...PNG_SIGNATURE, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    const { file, upload } = await startUpload(cookie, { name: "dot.png", size: bytes.length, type: "image/png" });
    await postToStorage(upload, bytes);
    expect((await complete(file.id, cookie)).status).toBe(200);
  });
});
