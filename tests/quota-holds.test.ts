import { POST as partsDone } from "@/app/api/uploads/[id]/parts/done/route";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { POST as createUploadRoute } from "@/app/api/uploads/route";
import { DELETE as cancelRoute } from "@/app/api/uploads/[id]/route";
import { POST as completeRoute } from "@/app/api/uploads/[id]/complete/route";
import { POST as signPartsRoute } from "@/app/api/uploads/[id]/parts/route";
import { DELETE as deleteFileRoute } from "@/app/api/files/[id]/route";
import { POST as planPreviewsRoute } from "@/app/api/previews/route";
import { and, eq, isNotNull } from "drizzle-orm";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { fileItems } from "@/db/schema";
import { crc32Base64 } from "@/client/hashing/checksum";
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import type { CreateUploadResponse, PostUploadTarget, SignPartsResponse } from "@/lib/contracts/upload-schemas";
import { MIB } from "@/lib/units";
import { getEnv } from "@/server/env";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { STAGING_HOLD_GRACE_MS } from "@/server/uploads/staging-holds";
import { MP4_FTYP_HEADER, PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { testS3 } from "../testing/s3-direct";
import { expireStagingHolds } from "../testing/staging-holds";
import { withPostForms } from "../testing/store-abilities";

type Session = Awaited<ReturnType<typeof createSignedInUser>>;

// getEnv() is parsed once per test file's module graph: these settings apply to this file only.
const QUOTA = 3000;
let saved: { quota?: number; ttl: number; threshold: number };
beforeEach(() => {
  const env = getEnv();
  saved = { quota: env.USER_QUOTA_BYTES, ttl: env.UPLOAD_URL_TTL_SECONDS, threshold: env.MULTIPART_THRESHOLD_BYTES };
  env.USER_QUOTA_BYTES = QUOTA;
});
afterEach(() => {
  const env = getEnv();
  env.USER_QUOTA_BYTES = saved.quota;
  env.UPLOAD_URL_TTL_SECONDS = saved.ttl;
  env.MULTIPART_THRESHOLD_BYTES = saved.threshold;
});

const PNG = (size: number, fill = 1) => startingWith(PNG_SIGNATURE, size, fill);

async function create(s: Session, size: number): Promise<Response> {
  return createUploadRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "photo.png", size, type: "image/png" } }));
}

async function created(s: Session, size: number): Promise<{ id: string; upload: PostUploadTarget }> {
  const res = await create(s, size);
  expect(res.status).toBe(201);
  const body = (await res.json()) as CreateUploadResponse;
  return { id: body.file.id, upload: body.upload as PostUploadTarget };
}

/** The browser's POST to storage with the signed form. */
async function post(upload: PostUploadTarget, bytes: Uint8Array): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  return (await fetch(upload.url, { method: "POST", body: form })).status;
}

const cancel = (s: Session, id: string) => cancelRoute(jsonRequest(`/api/uploads/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
const complete = (s: Session, id: string) => completeRoute(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: s.cookie }), routeParams({ id }));

/** Every byte the bucket holds for the user: served objects and staging ones. */
async function storedBytes(userId: string): Promise<number> {
  let total = 0;
  for (const prefix of [`u/${userId}/`, `staging/${userId}/`]) {
    const out = await testS3().send(new ListObjectsV2Command({ Bucket: process.env.S3_BUCKET, Prefix: prefix }));
    for (const object of out.Contents ?? []) total += object.Size ?? 0;
  }
  return total;
}

/**
 * Up to `rounds` times, until a create is refused: create a file of 1000 bytes, post its form, do
 * `between` (a cancel, a complete), and post the same form again, checking after each round that
 * the bucket never holds more than the quota. Returns each create's status.
 */
async function postTwiceUntilRefused(s: Session, rounds: number, between: (id: string) => Promise<void>): Promise<number[]> {
  const statuses: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const res = await create(s, 1000);
    statuses.push(res.status);
    if (res.status !== 201) break;
    const { file, upload } = (await res.json()) as CreateUploadResponse & { upload: PostUploadTarget };
    expect(await post(upload, PNG(1000, round))).toBe(204);
    await between(file.id);
    expect(await post(upload, PNG(1000, round))).toBe(204);
    expect(await storedBytes(s.user.id)).toBeLessThanOrEqual(QUOTA);
  }
  return statuses;
}

withPostForms();

describe("the quota caps stored bytes, staging included (regression: cancel freed the quota while the form could still post)", () => {
  it("create, post, cancel, post again: never more than the quota stored", async () => {
    const s = await createSignedInUser();
    // The form is still valid after the cancel: its bytes land in staging again, after the cancel removed them.
    const statuses = await postTwiceUntilRefused(s, 5, async (id) => expect((await cancel(s, id)).status).toBe(204));
    // A POST upload counts twice its size while its form lives (1000 + 1000), a cancelled one its size until then.
    expect(statuses).toEqual([201, 201, 413]);
    expect(await storedBytes(s.user.id)).toBe(2000);
  });

  it("complete, then post the form again: the staging copy is counted beside the file", async () => {
    const s = await createSignedInUser();
    const statuses = await postTwiceUntilRefused(s, 4, async (id) => expect((await complete(s, id)).status).toBe(200));
    expect(statuses).toEqual([201, 413]);
  });

  it("a file deleted while its form lives keeps counting its size until the form has expired", async () => {
    const s = await createSignedInUser();
    const { id, upload } = await created(s, 1000);
    expect(await post(upload, PNG(1000))).toBe(204);
    expect((await complete(s, id)).status).toBe(200);
    expect((await deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }))).status).toBe(204);
    expect(await post(upload, PNG(1000))).toBe(204);
    // 1000 held for the deleted file's form: room for one more upload of 1000 (counted 2000), not 1001.
    expect((await create(s, 1001)).status).toBe(413);
    expect((await create(s, 1000)).status).toBe(201);
    expect(await storedBytes(s.user.id)).toBeLessThanOrEqual(QUOTA);
  });

  it("gives the room back once the form has expired: a refused create empties the staging key, then fits", async () => {
    // Long enough for the two posts, cancel and create below on a loaded CI machine (1 s was not: the first post got 403).
    getEnv().UPLOAD_URL_TTL_SECONDS = 5;
    const s = await createSignedInUser();
    const { id, upload } = await created(s, 1400);
    expect(await post(upload, PNG(1400))).toBe(204);
    expect((await cancel(s, id)).status).toBe(204);
    expect(await post(upload, PNG(1400))).toBe(204);
    expect((await create(s, 1000)).status).toBe(413);

    // The form really expires (storage refuses it), and its recorded time is past the grace.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(upload.expiresAt) - Date.now()) + 1100));
    expect(await post(upload, PNG(1400))).toBe(403);
    await ageHolds(s.user.id);
    expect(await storedBytes(s.user.id)).toBe(1400);
    expect((await create(s, 1000)).status).toBe(201);
    expect(await storedBytes(s.user.id)).toBe(0);
    expect((await getFileItemById({ id, ownerId: s.user.id }))!.formExpiresAt).toBeNull();
  });

  it("cleanup releases expired holds too, and never a pending upload's (its staging object is the upload)", async () => {
    const s = await createSignedInUser();
    const ended = await created(s, 500);
    expect((await cancel(s, ended.id)).status).toBe(204);
    const pending = await created(s, 500);
    expect(await post(pending.upload, PNG(500))).toBe(204);
    await ageHolds(s.user.id);
    const report = await cleanupStaleUploads();
    expect(report.stagingHoldsReleased).toBeGreaterThanOrEqual(1);
    expect((await getFileItemById({ id: ended.id, ownerId: s.user.id }))!.formExpiresAt).toBeNull();
    expect((await getFileItemById({ id: pending.id, ownerId: s.user.id }))!.formExpiresAt).not.toBeNull();
    expect((await complete(s, pending.id)).status).toBe(200);
  });

  it("a create retried with its idempotency key moves the hold on with the fresh form it signs", async () => {
    const s = await createSignedInUser();
    const body = { name: "photo.png", size: 1000, type: "image/png", idempotencyKey: "hold-retry-0123456789" };
    const first = await createUploadRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body }));
    const { file } = (await first.json()) as CreateUploadResponse;
    const before = (await getFileItemById({ id: file.id, ownerId: s.user.id }))!.formExpiresAt!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await createUploadRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body }));
    const { upload } = (await again.json()) as CreateUploadResponse & { upload: PostUploadTarget };
    const after = (await getFileItemById({ id: file.id, ownerId: s.user.id }))!.formExpiresAt!;
    expect(after.getTime()).toBeGreaterThan(before.getTime());
    expect(Date.parse(upload.expiresAt)).toBeLessThanOrEqual(after.getTime());
  });

  it("counts a preview form's hold (the most a preview may be) until it is released", async () => {
    getEnv().USER_QUOTA_BYTES = 1 << 20;
    const s = await createSignedInUser();
    const { id, upload } = await created(s, 1000);
    expect(await post(upload, PNG(1000))).toBe(204);
    expect((await complete(s, id)).status).toBe(200);
    await expireStagingHolds(s.user.id);
    // The file, a 500-byte preview and its form's hold fit exactly; a byte less and they do not.
    getEnv().USER_QUOTA_BYTES = 1000 + 500 + PREVIEW_MAX_BYTES - 1;
    const plan = () => planPreviewsRoute(jsonRequest("/api/previews", { cookie: s.cookie, body: { previews: [{ fileItemId: id, size: 500, type: "image/webp" }] } }));
    expect((await (await plan()).json()).results[0].error.code).toBe("quota_exceeded");
    getEnv().USER_QUOTA_BYTES = 1000 + 500 + PREVIEW_MAX_BYTES;
    expect((await (await plan()).json()).results[0].status).toBe(201);
  });
});

describe("multipart uploads need no hold: S3 refuses the parts of an ended upload", () => {
  async function startMultipart(s: Session, bytes: Uint8Array, checksum: string) {
    getEnv().MULTIPART_THRESHOLD_BYTES = 5 * MIB;
    const res = await createUploadRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "clip.mp4", size: bytes.length, type: "video/mp4" } }));
    expect(res.status).toBe(201);
    const { file } = (await res.json()) as CreateUploadResponse;
    const signed = await signPartsRoute(
      jsonRequest(`/api/uploads/${file.id}/parts`, { cookie: s.cookie, body: { partNumbers: [1], checksums: { "1": checksum } } }),
      routeParams({ id: file.id }),
    );
    expect(signed.status).toBe(200);
    const [part] = ((await signed.json()) as SignPartsResponse).parts;
    return { id: file.id, url: part!.url };
  }
  const put = async (url: string, bytes: Uint8Array, checksum: string) =>
    (await fetch(url, { method: "PUT", body: bytes as Uint8Array<ArrayBuffer>, headers: { "x-amz-checksum-crc32": checksum } })).status;

  it("counts a multipart upload once, and a part URL writes nothing once its upload is cancelled or completed", async () => {
    const size = 5 * MIB + 1;
    getEnv().USER_QUOTA_BYTES = size;
    const s = await createSignedInUser();
    const bytes = randomBytes(size);
    MP4_FTYP_HEADER.copy(bytes);
    const checksum = await crc32Base64(bytes);

    const cancelled = await startMultipart(s, bytes, checksum);
    expect((await cancel(s, cancelled.id)).status).toBe(204);
    expect(await put(cancelled.url, bytes, checksum)).toBe(404);

    // The cancel gave the whole quota back at once.
    const done = await startMultipart(s, bytes, checksum);
    const sent = await fetch(done.url, { method: "PUT", body: bytes as Uint8Array<ArrayBuffer>, headers: { "x-amz-checksum-crc32": checksum } });
    expect(sent.status).toBe(200);
    // Reported as the page does: the complete names each part's CRC32, which SeaweedFS's ListParts leaves out.
    const report = { parts: [{ partNumber: 1, etag: sent.headers.get("etag")!, checksum }] };
    expect((await partsDone(jsonRequest(`/api/uploads/${done.id}/parts/done`, { cookie: s.cookie, body: report }), routeParams({ id: done.id }))).status).toBe(204);
    expect((await complete(s, done.id)).status).toBe(200);
    expect(await put(done.url, bytes, checksum)).toBe(404);
    expect(await storedBytes(s.user.id)).toBe(size);
  });
});

/** Moves the user's holds past their forms' expiry and the grace, as time would. */
async function ageHolds(userId: string): Promise<void> {
  const past = new Date(Date.now() - STAGING_HOLD_GRACE_MS - 60_000);
  const db = await getDb();
  await db.update(fileItems).set({ formExpiresAt: past }).where(and(eq(fileItems.userId, userId), isNotNull(fileItems.formExpiresAt)));
}
