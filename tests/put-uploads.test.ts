import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { GET as listFiles } from "@/app/api/files/route";
import { DELETE as deleteFileRoute } from "@/app/api/files/[id]/route";
import { POST as planRoute } from "@/app/api/previews/route";
import { POST as completePreviewsRoute } from "@/app/api/previews/complete/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { GET as settingsRoute } from "@/app/api/uploads/settings/route";
import { DELETE as cancelUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { getFileItemById } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { getEnv } from "@/server/env";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { headObject } from "@/server/storage/objects";
import { corsRules } from "@/server/storage/bucket";
import { crc32Base64 } from "@/client/hashing/checksum";
import type { CompletePreviewsResponse, PlanPreviewsResponse } from "@/lib/contracts/preview-schemas";
import type { CreateUploadResponse, CreateUploadsResponse, PostUploadTarget, PutUploadTarget, UploadSettings } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { sha256OfObject, testS3 } from "../testing/s3-direct";
import { withAbilities } from "../testing/store-abilities";

/**
 * Small files and previews by presigned PUT (S3_SMALL_UPLOADS=put, stores without POST Object such
 * as R2 and B2), against MinIO, which enforces every signed header: with conditional writes (the
 * URL names the final key with `If-None-Match: *`), without them (the staging key, copied on at
 * complete), and without conditional copy (complete copies first and checks the copy).
 */

type Session = Awaited<ReturnType<typeof createSignedInUser>>;

const png = (size: number, fill = 7) => startingWith(PNG_SIGNATURE, size, fill);
const html = (size: number) => {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(new TextEncoder().encode("<!doctype html><script>steal()</script>"));
  return bytes;
};

/** A WebP as the browser's canvas writes it: RIFF, the length, WEBP, a VP8 chunk (filler after it). */
function webp(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size).fill(0x11);
  const header = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 ")]);
  header.writeUInt32LE(size - 8, 4);
  bytes.set(header);
  return bytes;
}

/** PUTs straight to MinIO as the page does: exactly the signed headers (some replaced or dropped), the bytes as the body. */
async function put(upload: PutUploadTarget, bytes: Uint8Array, headers: Record<string, string | null> = {}, url = upload.url): Promise<{ status: number; body: string }> {
  const sent: Record<string, string> = { ...upload.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) delete sent[name];
    else sent[name] = value;
  }
  const res = await fetch(url, { method: "PUT", headers: sent, body: bytes as Uint8Array<ArrayBuffer> });
  return { status: res.status, body: await res.text() };
}

async function create(s: Session, bytes: Uint8Array, file: { name?: string; type?: string; checksum?: string | null } = {}) {
  const checksum = file.checksum === null ? undefined : (file.checksum ?? (await crc32Base64(bytes)));
  const body = { name: file.name ?? "photo.png", size: bytes.length, type: file.type ?? "image/png", ...(checksum ? { checksum } : {}) };
  return createUpload(jsonRequest("/api/uploads", { cookie: s.cookie, body }));
}

async function created(s: Session, bytes: Uint8Array, file: { name?: string; type?: string; checksum?: string } = {}) {
  const res = await create(s, bytes, file);
  expect(res.status).toBe(201);
  const answer = (await res.json()) as CreateUploadResponse;
  expect(answer.upload.strategy).toBe("put");
  return { file: answer.file, upload: answer.upload as PutUploadTarget };
}

/** Creates the file item and PUTs its bytes as the page does, which the store takes (200). */
async function createdAndPut(s: Session, bytes: Uint8Array) {
  const made = await created(s, bytes);
  expect((await put(made.upload, bytes)).status).toBe(200);
  return made;
}

const complete = (s: Session, id: string) => completeUpload(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: s.cookie }), routeParams({ id }));
const cancel = (s: Session, id: string) => cancelUpload(jsonRequest(`/api/uploads/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
const deleteFile = (s: Session, id: string) => deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
const row = async (s: Session, id: string) => (await getFileItemById({ id, ownerId: s.user.id }))!;
const stagingKey = (s: Session, id: string) => `staging/${s.user.id}/${id}`;

/** Completes the file item: the route answers `answer`, leaves the file item `status` and serves nothing at its key (returned). */
async function completeServingNothing(s: Session, id: string, answer: number, status: FileItem["status"]): Promise<string> {
  expect((await complete(s, id)).status).toBe(answer);
  const { key, status: left } = await row(s, id);
  expect(left).toBe(status);
  expect(await headObject(key)).toBeNull();
  return key;
}

async function listedIds(s: Session): Promise<string[]> {
  const res = await listFiles(jsonRequest("/api/files", { cookie: s.cookie }));
  return ((await res.json()) as { files: Array<{ id: string }> }).files.map((file) => file.id);
}

/** Writes `key` behind the app's back, as a store that ignored a signed header would have. */
const writeDirect = (key: string, bytes: Uint8Array, type: string) =>
  testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: bytes, ContentType: type }));

describe("GET /api/uploads/settings", () => {
  withAbilities({ smallUploads: "put" });

  it("says small files go by PUT, up to the multipart threshold, so clients hash them before asking", async () => {
    const { cookie } = await createSignedInUser();
    const res = await settingsRoute(jsonRequest("/api/uploads/settings", { cookie }));
    expect(res.status).toBe(200);
    expect((await res.json()) as UploadSettings).toEqual({ smallUploads: "put", singleRequestMaxBytes: getEnv().MULTIPART_THRESHOLD_BYTES, formChecksum: null });
  });

  it("answers 401 without a session", async () => {
    expect((await settingsRoute(jsonRequest("/api/uploads/settings"))).status).toBe(401);
  });
});

describe("PUT to the final key, where the store honours If-None-Match", () => {
  withAbilities({ smallUploads: "put", conditionalWrite: true, conditionalCopy: true });

  it("a create without the file's checksum is refused (400 naming it); a malformed one too", async () => {
    const s = await createSignedInUser();
    for (const checksum of [null, "not-base64"]) {
      const res = await create(s, png(100), { checksum });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/^checksum: /) });
    }
  });

  it("signs exactly the key, size, type and CRC32, once: stored, completed with one check, the checksum recorded, and the URL refused after", async () => {
    const s = await createSignedInUser();
    const bytes = png(1_000);
    const checksum = await crc32Base64(bytes);
    const { file, upload } = await created(s, bytes);
    expect(upload.headers).toEqual({ "Content-Type": "image/png", "x-amz-checksum-crc32": checksum, "If-None-Match": "*" });
    expect(Date.parse(upload.expiresAt) - Date.now()).toBeLessThanOrEqual(getEnv().UPLOAD_URL_TTL_SECONDS * 1000);
    const { key } = await row(s, file.id);
    expect(new URL(upload.url).pathname.endsWith(`/${key}`)).toBe(true);

    expect((await put(upload, bytes)).status).toBe(200);
    expect(await headObject(key)).toMatchObject({ size: 1_000, contentType: "image/png" });
    expect(await headObject(stagingKey(s, file.id))).toBeNull();
    // Sent again (its answer lost, say): the key holds bytes, so the store refuses to replace them.
    expect((await put(upload, bytes)).status).toBe(412);

    const res = await complete(s, file.id);
    expect(res.status).toBe(200);
    expect((await res.json()).file).toMatchObject({ id: file.id, status: "uploaded", size: 1_000, checksum: `CRC32:${checksum}` });
    expect(await listedIds(s)).toEqual([file.id]);

    // After complete the URL still lives, and can change nothing.
    const before = await sha256OfObject(key);
    expect((await put(upload, bytes)).status).toBe(412);
    expect(await sha256OfObject(key)).toBe(before);
  });

  it.each([
    ["one byte more than signed", (bytes: Uint8Array) => ({ body: png(bytes.length + 1), headers: {} })],
    ["one byte less than signed", (bytes: Uint8Array) => ({ body: bytes.subarray(1), headers: {} })],
    ["another Content-Type", (bytes: Uint8Array) => ({ body: bytes, headers: { "Content-Type": "text/html" } })],
    ["other bytes than the CRC32 signed", (bytes: Uint8Array) => ({ body: png(bytes.length, 9), headers: {} })],
    ["another CRC32 header", (bytes: Uint8Array) => ({ body: png(bytes.length, 9), headers: { "x-amz-checksum-crc32": "AAAAAA==" } })],
    ["no If-None-Match", (bytes: Uint8Array) => ({ body: bytes, headers: { "If-None-Match": null } })],
  ])("MinIO refuses %s, and nothing is stored", async (_label, change) => {
    const s = await createSignedInUser();
    const bytes = png(100);
    const { file, upload } = await created(s, bytes);
    const { body, headers } = change(bytes);
    const res = await put(upload, body, headers);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await headObject((await row(s, file.id)).key)).toBeNull();
    const done = await complete(s, file.id);
    expect(done.status).toBe(409);
    expect((await done.json()).error.code).toBe("upload_incomplete");
  });

  it("the bucket CORS rule npm run s3:setup sets allows every header a PUT sends", async () => {
    const s = await createSignedInUser();
    const { upload } = await created(s, png(10));
    const allowed = corsRules(["https://app.test"])[0]!.AllowedHeaders!.map((name) => name.toLowerCase());
    expect(Object.keys(upload.headers).map((name) => name.toLowerCase()).filter((name) => !allowed.includes(name))).toEqual([]);
  });

  it("MinIO refuses the URL for another key", async () => {
    const s = await createSignedInUser();
    const bytes = png(100);
    const { file, upload } = await created(s, bytes);
    const { key } = await row(s, file.id);
    const other = `u/${s.user.id}/${crypto.randomUUID()}.png`;
    const res = await put(upload, bytes, {}, upload.url.replace(key, other));
    expect(res.status).toBe(403);
    expect(await headObject(other)).toBeNull();
    expect(await headObject(key)).toBeNull();
  });

  it("a create retried with its idempotency key gets the same file item and a fresh URL; with another checksum it is a 409", async () => {
    const s = await createSignedInUser();
    const bytes = png(50);
    const body = { name: "a.png", size: 50, type: "image/png", checksum: await crc32Base64(bytes), idempotencyKey: "put-retry-key-0123456789" };
    const first = await createUpload(jsonRequest("/api/uploads", { cookie: s.cookie, body }));
    const again = await createUpload(jsonRequest("/api/uploads", { cookie: s.cookie, body }));
    expect([first.status, again.status]).toEqual([201, 201]);
    const [a, b] = (await Promise.all([first.json(), again.json()])) as CreateUploadResponse[];
    expect(b!.file.id).toBe(a!.file.id);
    expect((b!.upload as PutUploadTarget).headers).toEqual((a!.upload as PutUploadTarget).headers);
    const other = await createUpload(jsonRequest("/api/uploads", { cookie: s.cookie, body: { ...body, checksum: "AAAAAA==" } }));
    expect(other.status).toBe(409);
  });

  it("a batch create signs a PUT per small file, each with its own checksum", async () => {
    const s = await createSignedInUser();
    const files = await Promise.all([png(10, 1), png(11, 2)].map(async (bytes, i) => ({ name: `p${i}.png`, size: bytes.length, type: "image/png", checksum: await crc32Base64(bytes) })));
    const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie: s.cookie, body: { files: [...files, { name: "no-sum.png", size: 12, type: "image/png" }] } }));
    const { results } = (await res.json()) as CreateUploadsResponse;
    expect(results.map((result) => result.status)).toEqual([201, 201, 400]);
    expect(results.slice(0, 2).map((result) => (result as { upload: PutUploadTarget }).upload.headers["x-amz-checksum-crc32"])).toEqual(files.map((file) => file.checksum));
  });

  it("HTML declared as PNG is rejected (415) and removed; the URL, still alive, may write the key again, never served, and cleanup removes it", async () => {
    const s = await createSignedInUser();
    const bytes = html(200);
    const { file, upload } = await createdAndPut(s, bytes);
    const key = await completeServingNothing(s, file.id, 415, "rejected");

    // The file item is no longer pending, but the URL has not expired: If-None-Match lets it write the empty key.
    expect((await put(upload, bytes)).status).toBe(200);
    expect((await complete(s, file.id)).status).toBe(409);
    expect(await listedIds(s)).toEqual([]);
    await cleanupStaleUploads();
    expect(await headObject(key)).toBeNull();
  });

  it("bytes of another size or type at the key (a store that ignored the signed headers) are removed, and the file item stays pending for the right ones", async () => {
    const s = await createSignedInUser();
    const bytes = png(100);
    const { file, upload } = await created(s, bytes);
    const { key } = await row(s, file.id);
    await writeDirect(key, png(100), "image/gif");
    const res = await complete(s, file.id);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("upload_incomplete");
    expect(await headObject(key)).toBeNull();
    expect((await row(s, file.id)).status).toBe("pending");
    expect((await put(upload, bytes)).status).toBe(200);
    expect((await complete(s, file.id)).status).toBe(200);
  });

  it("cancel racing complete: one wins, and what is stored agrees with it; a PUT after the cancel is removed by cleanup", async () => {
    const s = await createSignedInUser();
    const bytes = png(300);
    const { file, upload } = await createdAndPut(s, bytes);
    const [done, cancelled] = await Promise.all([complete(s, file.id), cancel(s, file.id)]);
    const { key, status } = await row(s, file.id);
    if (status === "uploaded") {
      expect([done.status, cancelled.status]).toEqual([200, 409]);
      expect(await headObject(key)).not.toBeNull();
      return;
    }
    expect(status).toBe("aborted");
    expect(cancelled.status).toBe(204);
    expect(done.status).toBe(409);
    expect(await headObject(key)).toBeNull();
    // The URL outlives the cancel: what it writes now belongs to no live file item, and cleanup removes it.
    expect((await put(upload, bytes)).status).toBe(200);
    await cleanupStaleUploads();
    expect(await headObject(key)).toBeNull();
  });

  it("a cancel before the PUT: the URL can still write the key, never served; cleanup removes it", async () => {
    const s = await createSignedInUser();
    const bytes = png(64);
    const { file, upload } = await created(s, bytes);
    expect((await cancel(s, file.id)).status).toBe(204);
    expect((await put(upload, bytes)).status).toBe(200);
    expect((await complete(s, file.id)).status).toBe(409);
    const { key } = await row(s, file.id);
    await cleanupStaleUploads();
    expect(await headObject(key)).toBeNull();
  });

  it("delete after complete: the key goes; the URL, not yet expired, may write it again, never served, and cleanup removes that", async () => {
    const s = await createSignedInUser();
    const bytes = png(80);
    const { file, upload } = await createdAndPut(s, bytes);
    expect((await complete(s, file.id)).status).toBe(200);
    expect((await deleteFile(s, file.id)).status).toBe(204);
    const { key } = await row(s, file.id);
    expect(await headObject(key)).toBeNull();
    expect((await put(upload, bytes)).status).toBe(200);
    expect(await listedIds(s)).toEqual([]);
    await cleanupStaleUploads();
    expect(await headObject(key)).toBeNull();
  });
});

describe("PUT to the staging key, where the store has no conditional writes", () => {
  withAbilities({ smallUploads: "put", conditionalWrite: false, conditionalCopy: true });

  it("the URL names the staging key without If-None-Match; complete copies the checked bytes on, and later PUTs change nothing served", async () => {
    const s = await createSignedInUser();
    const bytes = png(500);
    const checksum = await crc32Base64(bytes);
    const { file, upload } = await created(s, bytes);
    expect(upload.headers).toEqual({ "Content-Type": "image/png", "x-amz-checksum-crc32": checksum });
    expect(new URL(upload.url).pathname.endsWith(`/${stagingKey(s, file.id)}`)).toBe(true);
    expect((await put(upload, bytes, { "Content-Type": "text/html" })).status).toBe(403);
    expect((await put(upload, png(500, 9))).status).toBeGreaterThanOrEqual(400);

    expect((await put(upload, bytes)).status).toBe(200);
    const res = await complete(s, file.id);
    expect(res.status).toBe(200);
    expect((await res.json()).file).toMatchObject({ status: "uploaded", checksum: `CRC32:${checksum}` });
    const { key } = await row(s, file.id);
    const served = await sha256OfObject(key);
    expect(await headObject(stagingKey(s, file.id))).toBeNull();

    // The URL writes only the staging key: the served object stays, and cleanup drops the stray copy.
    expect((await put(upload, bytes)).status).toBe(200);
    expect(await sha256OfObject(key)).toBe(served);
    await cleanupStaleUploads();
    expect(await headObject(stagingKey(s, file.id))).toBeNull();
    expect(await sha256OfObject(key)).toBe(served);
  });
});

describe("without conditional copy (x-amz-copy-source-if-match not relied on)", () => {
  withAbilities({ smallUploads: "put", conditionalWrite: false, conditionalCopy: false });

  it("complete copies the staged file first and checks the copy: stored, and the staging object removed", async () => {
    const s = await createSignedInUser();
    const bytes = png(400);
    const { file } = await createdAndPut(s, bytes);
    expect((await complete(s, file.id)).status).toBe(200);
    const { key } = await row(s, file.id);
    expect((await headObject(key))?.size).toBe(400);
    expect(await headObject(stagingKey(s, file.id))).toBeNull();
  });

  it("HTML declared as PNG: 415, and neither the copy nor the staging object is left", async () => {
    const s = await createSignedInUser();
    const bytes = html(120);
    const { file } = await createdAndPut(s, bytes);
    await completeServingNothing(s, file.id, 415, "rejected");
    expect(await headObject(stagingKey(s, file.id))).toBeNull();
  });

  it("a staged object of another type (a store that ignored the signed headers) is refused: the copy removed, the file item still pending", async () => {
    const s = await createSignedInUser();
    const bytes = png(90);
    const { file, upload } = await created(s, bytes);
    await writeDirect(stagingKey(s, file.id), bytes, "text/html");
    await completeServingNothing(s, file.id, 409, "pending");
    expect((await put(upload, bytes)).status).toBe(200);
    expect((await complete(s, file.id)).status).toBe(200);
  });

  it("a POST form's file (SeaweedFS, GCS: forms, no conditional copy) completes the same way", async () => {
    getEnv().storeAbilities.smallUploads = "post";
    try {
      const s = await createSignedInUser();
      const bytes = png(70);
      const res = await createUpload(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "f.png", size: 70, type: "image/png" } }));
      const { file, upload } = (await res.json()) as CreateUploadResponse & { upload: PostUploadTarget };
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
      form.append("file", new Blob([bytes]));
      expect((await fetch(upload.url, { method: "POST", body: form })).status).toBe(204);
      expect((await complete(s, file.id)).status).toBe(200);
      expect((await headObject((await row(s, file.id)).key))?.size).toBe(70);
    } finally {
      getEnv().storeAbilities.smallUploads = "put";
    }
  });
});

describe.each([
  ["with conditional copy", { conditionalWrite: true, conditionalCopy: true }],
  ["without conditional copy", { conditionalWrite: false, conditionalCopy: false }],
])("previews by PUT, %s", (_label, abilities) => {
  withAbilities({ smallUploads: "put", ...abilities });

  async function uploadedPng(s: Session): Promise<string> {
    const bytes = png(200);
    const { file } = await createdAndPut(s, bytes);
    expect((await complete(s, file.id)).status).toBe(200);
    return file.id;
  }

  async function plan(s: Session, previews: Array<{ fileItemId: string; size: number; type: string; checksum?: string }>) {
    const res = await planRoute(jsonRequest("/api/previews", { cookie: s.cookie, body: { previews } }));
    expect(res.status).toBe(200);
    return ((await res.json()) as PlanPreviewsResponse).results;
  }

  async function completePreviews(s: Session, fileItemIds: string[]) {
    const res = await completePreviewsRoute(jsonRequest("/api/previews/complete", { cookie: s.cookie, body: { fileItemIds } }));
    return ((await res.json()) as CompletePreviewsResponse).results;
  }

  it("plans a PUT of the preview's staging key pinned to its size, type and CRC32; a plan without its CRC32 is a 400", async () => {
    const s = await createSignedInUser();
    const id = await uploadedPng(s);
    const bytes = webp(900);
    const [refused] = await plan(s, [{ fileItemId: id, size: 900, type: "image/webp" }]);
    expect(refused).toMatchObject({ status: 400, error: { code: "bad_request" } });

    const [planned] = await plan(s, [{ fileItemId: id, size: 900, type: "image/webp", checksum: await crc32Base64(bytes) }]);
    const upload = (planned as { upload: PutUploadTarget }).upload;
    expect(upload.strategy).toBe("put");
    expect(upload.headers).toEqual({ "Content-Type": "image/webp", "x-amz-checksum-crc32": await crc32Base64(bytes) });
    expect(new URL(upload.url).pathname.endsWith(`/${stagingKey(s, id)}.preview`)).toBe(true);
    expect((await put(upload, webp(901))).status).toBeGreaterThanOrEqual(400);
    expect((await put(upload, bytes, { "Content-Type": "image/jpeg" })).status).toBe(403);

    expect((await put(upload, bytes)).status).toBe(200);
    const [done] = await completePreviews(s, [id]);
    expect(done).toMatchObject({ status: 200, fileItemId: id, previewUrl: expect.any(String) });
    expect(await sha256OfObject(`u/${s.user.id}/${id}.preview`)).toBe(await sha256OfObjectBytes(bytes));
    expect(await headObject(`${stagingKey(s, id)}.preview`)).toBeNull();
  });

  it("a preview that is not an image of its type is refused, and nothing of it is served", async () => {
    const s = await createSignedInUser();
    const id = await uploadedPng(s);
    const bytes = html(300);
    const [planned] = await plan(s, [{ fileItemId: id, size: 300, type: "image/webp", checksum: await crc32Base64(bytes) }]);
    expect((await put((planned as { upload: PutUploadTarget }).upload, bytes)).status).toBe(200);
    const [done] = await completePreviews(s, [id]);
    expect(done).toMatchObject({ status: 409, error: { code: "preview_invalid" } });
    expect(await headObject(`u/${s.user.id}/${id}.preview`)).toBeNull();
    expect(await headObject(`${stagingKey(s, id)}.preview`)).toBeNull();
  });
});

async function sha256OfObjectBytes(bytes: Uint8Array): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256").update(bytes).digest("hex");
}
