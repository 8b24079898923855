import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/files/route";
import { DELETE as deleteFileRoute, PATCH as renameRoute } from "@/app/api/files/[id]/route";
import { GET as viewRoute } from "@/app/api/files/[id]/view/route";
import { POST as createLinkRoute } from "@/app/api/files/[id]/links/route";
import { POST as planRoute } from "@/app/api/previews/route";
import { POST as completePreviewsRoute } from "@/app/api/previews/complete/route";
import { POST as failedPreviewsRoute } from "@/app/api/previews/failed/route";
import { POST as createTokenRoute } from "@/app/api/tokens/route";
import { POST as createRoute } from "@/app/api/uploads/route";
import { POST as createBatchRoute } from "@/app/api/uploads/batch/route";
import { POST as completeRoute } from "@/app/api/uploads/[id]/complete/route";
import { POST as completeBatchRoute } from "@/app/api/uploads/batch/complete/route";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { fileItems, rateLimits } from "@/db/schema";
import { getEnv } from "@/server/env";
import type { LibraryPage } from "@/lib/contracts/library-schemas";
import { PREVIEW_MAX_BYTES, type CompletePreviewsResponse, type FailedPreviewsResponse, type PlanPreviewsResponse } from "@/lib/contracts/preview-schemas";
import type { CompleteUploadsResponse, CreateUploadResponse, CreateUploadsResponse, FileItemJson, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import type { CreateTokenResponse } from "@/lib/contracts/api-token-schemas";
import { cleanupStaleUploads, PREVIEW_PLAN_TTL_MS } from "@/server/ops/cleanup";
import { checkConsistency, isConsistent } from "@/server/ops/consistency";
import { consumeRateLimit, rateLimitBucket } from "@/server/ops/rate-limit";
import { RATE_LIMIT_WINDOW_MS, rateLimitWindow } from "@/server/ops/rate-limit-window";
import { viewSharedFile } from "@/server/sharing/share-access";
import { MP4_FTYP_HEADER, PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { keysUnder, testS3, userObjectKeys } from "../testing/s3-direct";
import { expireStagingHolds } from "../testing/staging-holds";
import { withPostForms } from "../testing/store-abilities";

type Session = Awaited<ReturnType<typeof createSignedInUser>>;
type Auth = { cookie?: string; bearer?: string };
type Preview = { size: number; type: string };
type PlanResult = PlanPreviewsResponse["results"][number];
type CompleteResult = CompletePreviewsResponse["results"][number];
type FailedResult = FailedPreviewsResponse["results"][number];

/** A WebP as the browser's canvas writes it: RIFF, the length, WEBP, a VP8 chunk (filler after it). */
function webp(size: number, fill = 0x11): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size).fill(fill);
  const header = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 ")]);
  header.writeUInt32LE(size - 8, 4);
  bytes.set(header);
  return bytes;
}
const jpeg = (size: number) => startingWith(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]), size, 0x22);
const html = (size: number) => {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(Buffer.from("<!DOCTYPE html><script>alert(1)</script>"));
  return bytes;
};
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const putStaging = (s: Session, id: string, body: Uint8Array, type: string) =>
  testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: `staging/${s.user.id}/${id}.preview`, Body: body, ContentType: type }));

/** Posts to MinIO as the browser does (signed fields first, the file last); `fields` overrides some. */
async function post(upload: PostUploadTarget, bytes: Uint8Array, fields: Record<string, string> = {}): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...upload.fields, ...fields })) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const res = await fetch(upload.url, { method: "POST", body: form });
  await res.arrayBuffer();
  return res.status;
}

/** A file uploaded through the API (create, POST, complete): the file item previews are planned for. */
async function uploaded(s: Session, file: { name: string; type: string; bytes: Uint8Array } = { name: "photo.png", type: "image/png", bytes: startingWith(PNG_SIGNATURE, 100, 3) }): Promise<string> {
  const res = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: file.name, size: file.bytes.length, type: file.type } }));
  expect(res.status).toBe(201);
  const { file: created, upload } = (await res.json()) as CreateUploadResponse;
  if (file.bytes.length > 0) expect(await post(upload as PostUploadTarget, file.bytes)).toBe(204);
  const done = await completeRoute(jsonRequest(`/api/uploads/${created.id}/complete`, { method: "POST", cookie: s.cookie }), routeParams({ id: created.id }));
  expect(done.status).toBe(200);
  return created.id;
}

async function plan(auth: Auth, previews: Array<{ fileItemId: string } & Preview>): Promise<PlanResult[]> {
  const res = await planRoute(jsonRequest("/api/previews", { ...auth, body: { previews } }));
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as PlanPreviewsResponse;
  expect(results).toHaveLength(previews.length);
  return results;
}

async function planned(s: Session, fileItemId: string, preview: Preview): Promise<PostUploadTarget> {
  const [result] = await plan({ cookie: s.cookie }, [{ fileItemId, ...preview }]);
  expect(result).toMatchObject({ status: 201, fileItemId });
  return (result as { upload: PostUploadTarget }).upload;
}

async function complete(auth: Auth, fileItemIds: string[]): Promise<CompleteResult[]> {
  const res = await completePreviewsRoute(jsonRequest("/api/previews/complete", { ...auth, body: { fileItemIds } }));
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as CompletePreviewsResponse;
  expect(results).toHaveLength(fileItemIds.length);
  return results;
}

async function reportFailed(auth: Auth, fileItemIds: string[]): Promise<FailedResult[]> {
  const res = await failedPreviewsRoute(jsonRequest("/api/previews/failed", { ...auth, body: { fileItemIds } }));
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as FailedPreviewsResponse;
  expect(results).toHaveLength(fileItemIds.length);
  return results;
}

async function completed(s: Session, fileItemId: string): Promise<string> {
  const [result] = await complete({ cookie: s.cookie }, [fileItemId]);
  expect(result).toMatchObject({ status: 200, fileItemId, previewUrl: expect.any(String) });
  return (result as { previewUrl: string }).previewUrl;
}

/** An uploaded PNG with a preview planned and (unless `bytes` is null) posted. */
async function withPlannedPreview(s: Session, preview: Preview, bytes: Uint8Array | null) {
  const id = await uploaded(s);
  const form = await planned(s, id, preview);
  if (bytes) expect(await post(form, bytes)).toBe(204);
  return { id, form };
}

/** An uploaded PNG with a preview planned, posted and completed (stored and served). */
async function withStoredPreview(s: Session, preview: Preview, bytes: Uint8Array) {
  const planned = await withPlannedPreview(s, preview, bytes);
  return { ...planned, previewUrl: await completed(s, planned.id) };
}

const errorOf = (result: PlanResult | CompleteResult | FailedResult | undefined) => {
  const { status, error } = result as { status: number; error: { code: string } };
  return { status, code: error.code };
};

async function listed(s: Session): Promise<FileItemJson[]> {
  const res = await listRoute(jsonRequest("/api/files?limit=100", { cookie: s.cookie }));
  expect(res.status).toBe(200);
  return ((await res.json()) as LibraryPage).files;
}
const listedOne = async (s: Session, id: string) => (await listed(s)).find((file) => file.id === id)!;

const row = async (s: Session, id: string) => (await getFileItemById({ id, ownerId: s.user.id }))!;

async function expectConsistent(userId: string) {
  const report = await checkConsistency(`u/${userId}/`);
  expect(report.missingObjects).toEqual([]);
  expect(report.orphanObjects).toEqual([]);
  expect(isConsistent(report)).toBe(true);
}

/** Spends the caller's upload requests but one, in this window (what the test did so far spent some) and the next. */
async function leaveOneUploadRequest(s: Session) {
  const limit = getEnv().RATE_LIMIT_UPLOAD_REQUESTS_PER_MINUTE;
  const bucket = rateLimitBucket("upload-requests", s.user.id);
  for (const now of [Date.now(), Date.now() + RATE_LIMIT_WINDOW_MS]) {
    const db = await getDb();
    const [spent] = await db
      .select({ count: rateLimits.count })
      .from(rateLimits)
      .where(and(eq(rateLimits.bucket, bucket), eq(rateLimits.windowStart, rateLimitWindow(now).start)));
    expect((await consumeRateLimit({ bucket, limit, cost: limit - 1 - (spent?.count ?? 0), now })).allowed).toBe(true);
  }
}

async function withQuota<T>(bytes: number, run: () => Promise<T>): Promise<T> {
  const env = getEnv();
  const quota = env.USER_QUOTA_BYTES;
  env.USER_QUOTA_BYTES = bytes;
  try {
    return await run();
  } finally {
    env.USER_QUOTA_BYTES = quota;
  }
}

withPostForms();

describe("POST /api/previews", () => {
  it("signs a form MinIO holds to the preview's staging key, exact size and type", async () => {
    const s = await createSignedInUser();
    const id = await uploaded(s);
    const form = await planned(s, id, { size: 2000, type: "image/webp" });
    expect(form.strategy).toBe("post");
    expect(form.fields.key).toBe(`staging/${s.user.id}/${id}.preview`);
    expect(form.fields["Content-Type"]).toBe("image/webp");
    expect(Date.parse(form.expiresAt) - Date.now()).toBeLessThanOrEqual(getEnv().UPLOAD_URL_TTL_SECONDS * 1000);

    // A size outside the form's content-length-range is MinIO's 400 (EntityTooSmall / EntityTooLarge).
    expect(await post(form, webp(1999))).toBe(400);
    expect(await post(form, webp(2001))).toBe(400);
    expect(await post(form, webp(2000), { key: `staging/${s.user.id}/${id}` })).toBe(403);
    expect(await post(form, webp(2000), { key: `u/${s.user.id}/${id}.preview` })).toBe(403);
    expect(await post(form, webp(2000), { "Content-Type": "image/jpeg" })).toBe(403);
    expect(await post(form, webp(2000), { "Content-Type": "text/html" })).toBe(403);
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([]);
    expect(await post(form, webp(2000))).toBe(204);
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([`staging/${s.user.id}/${id}.preview`]);
  });

  it("records the plan on the uploaded file item, serving nothing yet; asking again replaces it", async () => {
    const s = await createSignedInUser();
    const id = await uploaded(s, { name: "clip.mov", type: "video/quicktime", bytes: startingWith(MP4_FTYP_HEADER, 100) });
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: null, previewWanted: true });
    await planned(s, id, { size: 3000, type: "image/webp" });
    expect(await row(s, id)).toMatchObject({ previewSize: 3000, previewType: "image/webp", previewPlannedAt: expect.any(Date), previewStoredAt: null });
    // Planned is not stored: nothing is served and the file still wants its preview.
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: null, previewWanted: true });
    const again = await planned(s, id, { size: 1500, type: "IMAGE/JPEG" });
    expect(again.fields["Content-Type"]).toBe("image/jpeg");
    expect(await row(s, id)).toMatchObject({ previewSize: 1500, previewType: "image/jpeg" });
  });

  it("answers each plan of a batch on its own, in order, recording only the good ones", async () => {
    const s = await createSignedInUser();
    const other = await createSignedInUser();
    const [good, png, svg, big, stored] = [await uploaded(s), await uploaded(s), await uploaded(s), await uploaded(s), await uploaded(s)];
    await planned(s, stored, { size: 300, type: "image/webp" }).then((form) => post(form, webp(300)));
    await completed(s, stored);
    const theirs = await uploaded(other);
    const song = await uploaded(s, { name: "song.mp3", type: "audio/mpeg", bytes: startingWith(Buffer.from("ID3"), 64) });
    const created = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "later.png", size: 100, type: "image/png" } }));
    const pending = ((await created.json()) as CreateUploadResponse).file.id;
    const webp100 = { size: 100, type: "image/webp" };

    const results = await plan({ cookie: s.cookie }, [
      { fileItemId: "not-a-uuid", ...webp100 },
      { fileItemId: crypto.randomUUID(), ...webp100 },
      { fileItemId: theirs, ...webp100 },
      { fileItemId: pending, ...webp100 },
      { fileItemId: song, ...webp100 },
      { fileItemId: stored, ...webp100 },
      { fileItemId: png, size: 100, type: "image/png" },
      { fileItemId: svg, size: 100, type: "image/svg+xml" },
      { fileItemId: big, size: PREVIEW_MAX_BYTES + 1, type: "image/webp" },
      { fileItemId: good.toUpperCase(), size: PREVIEW_MAX_BYTES, type: "image/jpeg" },
      { fileItemId: good, ...webp100 },
    ]);
    expect(results.map((result) => (result.status === 201 ? 201 : errorOf(result)))).toEqual([
      { status: 404, code: "not_found" },
      { status: 404, code: "not_found" },
      { status: 404, code: "not_found" },
      { status: 409, code: "conflict" },
      { status: 409, code: "not_previewable" },
      { status: 409, code: "conflict" },
      { status: 415, code: "unsupported_type" },
      { status: 415, code: "unsupported_type" },
      { status: 413, code: "too_large" },
      201,
      // Named twice in one request: the first plan is the one recorded.
      { status: 409, code: "conflict" },
    ]);
    expect(results.map((result) => result.fileItemId)).toEqual([
      "not-a-uuid",
      expect.any(String),
      theirs,
      pending,
      song,
      stored,
      png,
      svg,
      big,
      good.toUpperCase(),
      good,
    ]);
    expect(await row(s, good)).toMatchObject({ previewSize: PREVIEW_MAX_BYTES, previewType: "image/jpeg" });
    for (const id of [png, svg, big, song, pending]) expect(await row(s, id)).toMatchObject({ previewSize: null, previewType: null, previewPlannedAt: null });
    expect(await row(s, stored)).toMatchObject({ previewSize: 300, previewStoredAt: expect.any(Date) });
    expect(await getFileItemById({ id: theirs, ownerId: other.user.id })).toMatchObject({ previewSize: null });
  });

  it("refuses a plan after the preview is stored (409), and a malformed batch whole (400)", async () => {
    const s = await createSignedInUser();
    const { id } = await withStoredPreview(s, { size: 300, type: "image/webp" }, webp(300));
    const [late] = await plan({ cookie: s.cookie }, [{ fileItemId: id, size: 200, type: "image/webp" }]);
    expect(errorOf(late)).toEqual({ status: 409, code: "conflict" });
    expect(await row(s, id)).toMatchObject({ previewSize: 300, previewType: "image/webp" });

    const zero = await planRoute(jsonRequest("/api/previews", { cookie: s.cookie, body: { previews: [{ fileItemId: id, size: 0, type: "image/webp" }] } }));
    expect(zero.status).toBe(400);
    expect((await zero.json()).error.code).toBe("bad_request");
  });

  it("works with an API token (the CLI's files get previews too)", async () => {
    const s = await createSignedInUser();
    const minted = await createTokenRoute(jsonRequest("/api/tokens", { cookie: s.cookie, body: { name: "cli" } }));
    const { secret } = (await minted.json()) as CreateTokenResponse;
    const id = await uploaded(s);
    const [result] = await plan({ bearer: secret }, [{ fileItemId: id, size: 400, type: "image/webp" }]);
    expect(result!.status).toBe(201);
    expect(await post((result as { upload: PostUploadTarget }).upload, webp(400))).toBe(204);
    expect(await complete({ bearer: secret }, [id])).toEqual([{ status: 200, fileItemId: id, previewUrl: expect.any(String) }]);
  });

  it("spends one upload request per request, whatever its size, and answers 429 recording nothing once it is spent", async () => {
    const s = await createSignedInUser();
    const ids = [await uploaded(s), await uploaded(s), await uploaded(s)];
    await leaveOneUploadRequest(s);
    const results = await plan({ cookie: s.cookie }, ids.map((fileItemId) => ({ fileItemId, size: 100, type: "image/webp" })));
    expect(results.map((result) => result.status)).toEqual([201, 201, 201]);
    const refused = await planRoute(jsonRequest("/api/previews", { cookie: s.cookie, body: { previews: [{ fileItemId: ids[0], size: 200, type: "image/webp" }] } }));
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe("rate_limited");
    expect(await row(s, ids[0]!)).toMatchObject({ previewSize: 100 });
  });
});

describe("POST /api/previews/complete", () => {
  it("stores a good preview and serves it through previewUrl: the same bytes, inline, image/webp", async () => {
    const s = await createSignedInUser();
    const bytes = webp(3000);
    const { id, previewUrl } = await withStoredPreview(s, { size: 3000, type: "image/webp" }, bytes);
    expect(await row(s, id)).toMatchObject({ status: "uploaded", previewSize: 3000, previewType: "image/webp", previewStoredAt: expect.any(Date) });

    for (const url of [previewUrl, (await listedOne(s, id)).previewUrl!]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expect(res.headers.get("content-disposition")).toBe("inline");
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
    }
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: expect.any(String), previewWanted: false });
    // Only the file and its preview stay: the staging object is gone.
    expect(await userObjectKeys(s.user.id)).toEqual([(await row(s, id)).key, `u/${s.user.id}/${id}.preview`].sort());
    await expectConsistent(s.user.id);
    // A rename answers the file with its preview too.
    const renamed = await renameRoute(jsonRequest(`/api/files/${id}`, { method: "PATCH", cookie: s.cookie, body: { name: "b.png" } }), routeParams({ id }));
    expect(((await renamed.json()) as { file: FileItemJson }).file).toMatchObject({ previewUrl: expect.any(String), previewWanted: false });
    // Completing it again (an answer lost on the way) answers the same, touching nothing.
    expect(await complete({ cookie: s.cookie }, [id])).toEqual([{ status: 200, fileItemId: id, previewUrl: expect.any(String) }]);
    await expectConsistent(s.user.id);
  });

  it("serves a JPEG preview as image/jpeg", async () => {
    const s = await createSignedInUser();
    const { previewUrl } = await withStoredPreview(s, { size: 500, type: "image/jpeg" }, jpeg(500));
    const res = await fetch(previewUrl);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
  });

  it.each<[string, string, (s: Session, id: string, form: PostUploadTarget) => Promise<unknown>]>([
    ["HTML bytes under image/webp", "preview_invalid", (_s, _id, form) => post(form, html(400))],
    ["JPEG bytes under image/webp", "preview_invalid", (_s, _id, form) => post(form, jpeg(400))],
    ["a preview never posted", "upload_incomplete", async () => {}],
    // Written behind the form's back (the form itself pins both).
    ["a preview of another size", "preview_invalid", (s, id) => putStaging(s, id, webp(401), "image/webp")],
    ["a preview of another type", "preview_invalid", (s, id) => putStaging(s, id, webp(400), "image/jpeg")],
  ])("refuses %s (409 %s): nothing recorded, nothing served", async (_label, code, store) => {
    const s = await createSignedInUser();
    const { id, form } = await withPlannedPreview(s, { size: 400, type: "image/webp" }, null);
    await store(s, id, form);
    const [result] = await complete({ cookie: s.cookie }, [id]);
    expect(errorOf(result)).toEqual({ status: 409, code });
    expect(await row(s, id)).toMatchObject({ previewSize: 400, previewType: "image/webp", previewStoredAt: null });
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: null, previewWanted: true });
    // The bad staging object is removed; nothing was copied to the served key.
    expect(await userObjectKeys(s.user.id)).toEqual([(await row(s, id)).key]);
    await expectConsistent(s.user.id);
    // The plan stays until a new one replaces it: a good preview then goes through.
    const again = await planned(s, id, { size: 400, type: "image/webp" });
    expect(await post(again, webp(400))).toBe(204);
    await completed(s, id);
  });

  it("answers each id of a batch on its own: stored, refused, or not the caller's", async () => {
    const s = await createSignedInUser();
    const other = await createSignedInUser();
    const good = await withPlannedPreview(s, { size: 600, type: "image/webp" }, webp(600));
    const bad = await withPlannedPreview(s, { size: 600, type: "image/webp" }, html(600));
    const unplanned = await uploaded(s);
    const song = await uploaded(s, { name: "song.mp3", type: "audio/mpeg", bytes: startingWith(Buffer.from("ID3"), 64) });
    const created = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "later.png", size: 100, type: "image/png" } }));
    const pending = ((await created.json()) as CreateUploadResponse).file.id;
    const theirs = await withPlannedPreview(other, { size: 600, type: "image/webp" }, webp(600));

    const results = await complete({ cookie: s.cookie }, [good.id, bad.id, unplanned, song, pending, theirs.id, "nope", crypto.randomUUID(), good.id.toUpperCase()]);
    expect(results.map((result) => (result.status === 200 ? 200 : errorOf(result)))).toEqual([
      200,
      { status: 409, code: "preview_invalid" },
      { status: 409, code: "conflict" },
      { status: 409, code: "not_previewable" },
      { status: 409, code: "conflict" },
      { status: 404, code: "not_found" },
      { status: 404, code: "not_found" },
      { status: 404, code: "not_found" },
      200,
    ]);
    expect(results[0]!.fileItemId).toBe(good.id);
    expect(results[8]!.fileItemId).toBe(good.id.toUpperCase());
    // The other user's posted preview is untouched, and still theirs to complete.
    expect(await getFileItemById({ id: theirs.id, ownerId: other.user.id })).toMatchObject({ previewStoredAt: null });
    expect(await keysUnder(`staging/${other.user.id}/`)).toEqual([`staging/${other.user.id}/${theirs.id}.preview`]);
    await completed(other, theirs.id);
    await expectConsistent(s.user.id);
  });

  it("plans, posts and completes a batch of 100 previews, one request each way", async () => {
    const s = await createSignedInUser();
    const files = Array.from({ length: 100 }, (_, i) => ({ name: `p${i}.png`, size: 64, type: "image/png" }));
    const createdRes = await createBatchRoute(jsonRequest("/api/uploads/batch", { cookie: s.cookie, body: { files } }));
    const created = ((await createdRes.json()) as CreateUploadsResponse).results as Array<CreateUploadResponse & { status: number }>;
    await Promise.all(created.map((result) => post(result.upload as PostUploadTarget, startingWith(PNG_SIGNATURE, 64, 5))));
    const ids = created.map((result) => result.file.id);
    const doneRes = await completeBatchRoute(jsonRequest("/api/uploads/batch/complete", { cookie: s.cookie, body: { ids } }));
    expect(((await doneRes.json()) as CompleteUploadsResponse).results.every((result) => result.status === 200)).toBe(true);

    const forms = await plan({ cookie: s.cookie }, ids.map((fileItemId, i) => ({ fileItemId, size: 200 + i, type: "image/webp" })));
    expect(forms.every((result) => result.status === 201)).toBe(true);
    const posted = await Promise.all(forms.map((result, i) => post((result as { upload: PostUploadTarget }).upload, webp(200 + i, i))));
    expect(posted.every((status) => status === 204)).toBe(true);
    const results = await complete({ cookie: s.cookie }, ids);
    expect(results.map((result) => result.status)).toEqual(ids.map(() => 200));
    expect(results.map((result) => result.fileItemId)).toEqual(ids);
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([]);
    expect((await listed(s)).filter((file) => file.previewUrl !== null && !file.previewWanted)).toHaveLength(100);
    await expectConsistent(s.user.id);
  });
});

describe("POST /api/previews/failed", () => {
  it("records that the caller's photo would not decode: previewWanted turns false, and a report again answers the same", async () => {
    const s = await createSignedInUser();
    const id = await uploaded(s);
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: null, previewWanted: true });
    expect(await reportFailed({ cookie: s.cookie }, [id])).toEqual([{ status: 200, fileItemId: id }]);
    const first = (await row(s, id)).previewFailedAt;
    expect(first).toBeInstanceOf(Date);
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: null, previewWanted: false });
    expect(await reportFailed({ cookie: s.cookie }, [id])).toEqual([{ status: 200, fileItemId: id }]);
    expect((await row(s, id)).previewFailedAt).toEqual(first);
    // Nothing was planned, signed or stored for it.
    expect(await row(s, id)).toMatchObject({ previewSize: null, previewType: null, previewPlannedAt: null, previewStoredAt: null });
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([]);
  });

  it("answers each id of a batch on its own, recording only the caller's uploaded photos and videos without a stored preview", async () => {
    const s = await createSignedInUser();
    const other = await createSignedInUser();
    const [photo, clip, planned, stored, deleted] = [
      await uploaded(s),
      await uploaded(s, { name: "clip.mp4", type: "video/mp4", bytes: startingWith(MP4_FTYP_HEADER, 200) }),
      (await withPlannedPreview(s, { size: 300, type: "image/webp" }, null)).id,
      (await withPlannedPreview(s, { size: 300, type: "image/webp" }, webp(300))).id,
      await uploaded(s),
    ];
    await completed(s, stored);
    expect((await deleteFileRoute(jsonRequest(`/api/files/${deleted}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id: deleted }))).status).toBe(204);
    const theirs = await uploaded(other);
    const song = await uploaded(s, { name: "song.mp3", type: "audio/mpeg", bytes: startingWith(Buffer.from("ID3"), 64) });
    const created = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "later.png", size: 100, type: "image/png" } }));
    const pending = ((await created.json()) as CreateUploadResponse).file.id;

    const sent = ["not-a-uuid", crypto.randomUUID(), theirs, pending, deleted, song, stored, planned, clip, photo.toUpperCase(), photo];
    const results = await reportFailed({ cookie: s.cookie }, sent);
    expect(results.map((result) => (result.status === 200 ? 200 : errorOf(result)))).toEqual([
      { status: 404, code: "not_found" },
      { status: 404, code: "not_found" },
      { status: 404, code: "not_found" },
      { status: 409, code: "conflict" },
      { status: 409, code: "conflict" },
      { status: 409, code: "not_previewable" },
      { status: 409, code: "conflict" },
      // A plan on its way does not stop the report (and may still store its preview).
      200,
      200,
      // Named twice: the same file item, answered alike.
      200,
      200,
    ]);
    expect(results.map((result) => result.fileItemId)).toEqual(sent);
    for (const id of [planned, clip, photo]) expect(await row(s, id)).toMatchObject({ previewFailedAt: expect.any(Date) });
    for (const id of [pending, deleted, song, stored]) expect(await row(s, id)).toMatchObject({ previewFailedAt: null });
    expect(await getFileItemById({ id: theirs, ownerId: other.user.id })).toMatchObject({ previewFailedAt: null });
    expect(await listedOne(other, theirs)).toMatchObject({ previewWanted: true });
    expect(await row(s, planned)).toMatchObject({ previewSize: 300, previewType: "image/webp", previewStoredAt: null });
  });

  it("a preview made later all the same (a browser that decodes it) is planned, stored and served as any other", async () => {
    const s = await createSignedInUser();
    const id = await uploaded(s);
    await reportFailed({ cookie: s.cookie }, [id]);
    expect(await post(await planned(s, id, { size: 500, type: "image/webp" }), webp(500))).toBe(204);
    const previewUrl = await completed(s, id);
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: expect.any(String), previewWanted: false });
    expect(await (await fetch(previewUrl)).arrayBuffer()).toEqual(webp(500).buffer);
    expect(await reportFailed({ cookie: s.cookie }, [id]).then((results) => results.map(errorOf))).toEqual([{ status: 409, code: "conflict" }]);
    await expectConsistent(s.user.id);
  });

  it("works with an API token, spends one upload request per request, and answers 429 recording nothing once it is spent", async () => {
    const s = await createSignedInUser();
    const minted = await createTokenRoute(jsonRequest("/api/tokens", { cookie: s.cookie, body: { name: "cli" } }));
    const { secret } = (await minted.json()) as CreateTokenResponse;
    const ids = [await uploaded(s), await uploaded(s), await uploaded(s)];
    await leaveOneUploadRequest(s);
    expect(await reportFailed({ bearer: secret }, ids.slice(0, 2))).toEqual(ids.slice(0, 2).map((fileItemId) => ({ status: 200, fileItemId })));
    const refused = await failedPreviewsRoute(jsonRequest("/api/previews/failed", { bearer: secret, body: { fileItemIds: [ids[2]] } }));
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe("rate_limited");
    expect(await row(s, ids[2]!)).toMatchObject({ previewFailedAt: null });
  });
});

describe("a preview's objects go with its file", () => {
  it("deleting the file deletes its stored preview", async () => {
    const s = await createSignedInUser();
    const { id } = await withStoredPreview(s, { size: 300, type: "image/webp" }, webp(300));
    expect(await keysUnder(`u/${s.user.id}/`)).toHaveLength(2);
    const res = await deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
    expect(res.status).toBe(204);
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    await cleanupStaleUploads();
    await expectConsistent(s.user.id);
  });

  it("deleting the file deletes a preview posted but not completed, and a form posted after the delete goes with cleanup", async () => {
    const s = await createSignedInUser();
    const { id, form } = await withPlannedPreview(s, { size: 300, type: "image/webp" }, webp(300));
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([`staging/${s.user.id}/${id}.preview`]);
    expect((await deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }))).status).toBe(204);
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    // The form still works for minutes; what it writes no file item owns, and the complete refuses it.
    expect(await post(form, webp(300, 0x12))).toBe(204);
    expect(errorOf((await complete({ cookie: s.cookie }, [id]))[0])).toEqual({ status: 409, code: "conflict" });
    expect((await checkConsistency(`u/${s.user.id}/`)).orphanObjects).toEqual([{ key: `staging/${s.user.id}/${id}.preview`, size: 300 }]);
    await cleanupStaleUploads();
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    await expectConsistent(s.user.id);
  });

  it("a delete racing a complete leaves no object behind, whichever wins", async () => {
    const s = await createSignedInUser();
    const files = await Promise.all(Array.from({ length: 12 }, () => withPlannedPreview(s, { size: 500, type: "image/webp" }, webp(500))));
    const ids = files.map((file) => file.id);
    const del = (id: string) => deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
    // The deletes start a little after the complete, spread over its storage requests.
    const [results] = await Promise.all([
      complete({ cookie: s.cookie }, ids),
      ...ids.map((id, i) => new Promise((resolve) => setTimeout(resolve, i * 3)).then(() => del(id))),
    ]);
    for (const result of results) expect([200, 404, 409]).toContain(result.status);
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    await expectConsistent(s.user.id);
  });

  it("a preview form posted again after complete is removed by cleanup; the served preview stays as checked", async () => {
    const s = await createSignedInUser();
    const bytes = webp(300);
    const { id, form } = await withStoredPreview(s, { size: 300, type: "image/webp" }, bytes);
    expect(await post(form, webp(300, 0x13))).toBe(204);
    await cleanupStaleUploads();
    await expectConsistent(s.user.id);
    const served = await fetch((await listedOne(s, id)).previewUrl!);
    expect(sha256(new Uint8Array(await served.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("cleanup keeps a live plan's posted preview, and drops a plan whose forms expired long ago with its objects", async () => {
    const s = await createSignedInUser();
    const { id } = await withPlannedPreview(s, { size: 300, type: "image/webp" }, webp(300));
    await cleanupStaleUploads();
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([`staging/${s.user.id}/${id}.preview`]);
    await expectConsistent(s.user.id);

    const db = await getDb();
    await db.update(fileItems).set({ previewPlannedAt: new Date(Date.now() - PREVIEW_PLAN_TTL_MS - 60_000) }).where(eq(fileItems.id, id));
    const report = await cleanupStaleUploads();
    expect(report.expiredPreviewPlansDropped).toBeGreaterThanOrEqual(1);
    expect(await row(s, id)).toMatchObject({ status: "uploaded", previewSize: null, previewType: null, previewPlannedAt: null });
    expect(await userObjectKeys(s.user.id)).toEqual([(await row(s, id)).key]);
    expect(await listedOne(s, id)).toMatchObject({ previewUrl: null, previewWanted: true });
    expect(errorOf((await complete({ cookie: s.cookie }, [id]))[0])).toEqual({ status: 409, code: "conflict" });
    await expectConsistent(s.user.id);
  });

  it("uploads:check reports a preview object no file item records, and a stored preview that is missing", async () => {
    const s = await createSignedInUser();
    const id = await uploaded(s);
    const stray = `u/${s.user.id}/${id}.preview`;
    await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: stray, Body: webp(30), ContentType: "image/webp" }));
    expect((await checkConsistency(`u/${s.user.id}/`)).orphanObjects).toEqual([{ key: stray, size: 30 }]);

    const other = await createSignedInUser();
    const kept = await withStoredPreview(other, { size: 300, type: "image/webp" }, webp(300));
    const key = `u/${other.user.id}/${kept.id}.preview`;
    await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: webp(20), ContentType: "image/webp" }));
    expect((await checkConsistency(`u/${other.user.id}/`)).missingObjects).toEqual([{ id: kept.id, key, expectedSize: 300, actualSize: 20 }]);
  });
});

describe("previews and the quota", () => {
  it("counts a planned preview like a stored one; a new plan replaces the old one's bytes", async () => {
    const s = await createSignedInUser();
    const id = await uploaded(s, { name: "photo.png", type: "image/png", bytes: startingWith(PNG_SIGNATURE, 6000, 3) });
    // The file's form has expired and its hold is gone: the file counts 6000. A preview's form holds PREVIEW_MAX_BYTES.
    await expireStagingHolds(s.user.id);
    await withQuota(10_000 + PREVIEW_MAX_BYTES, async () => {
      const [over] = await plan({ cookie: s.cookie }, [{ fileItemId: id, size: 4001, type: "image/webp" }]);
      expect(errorOf(over)).toEqual({ status: 413, code: "quota_exceeded" });
      expect(await row(s, id)).toMatchObject({ previewSize: null });
      // Exactly the quota fits; a new plan replaces the old one's bytes rather than adding to them.
      await planned(s, id, { size: 4000, type: "image/webp" });
      await planned(s, id, { size: 3000, type: "image/webp" });
      // 1000 left, and a POST upload counts twice its size while its form lives.
      const full = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "b.png", size: 501, type: "image/png" } }));
      expect(full.status).toBe(413);
      expect((await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "b.png", size: 500, type: "image/png" } }))).status).toBe(201);
    });
  });

  it("shows a stored preview's bytes in the library's usage", async () => {
    const s = await createSignedInUser();
    await withStoredPreview(s, { size: 300, type: "image/webp" }, webp(300));
    const res = await listRoute(jsonRequest("/api/files", { cookie: s.cookie }));
    expect(((await res.json()) as LibraryPage).usage.usedBytes).toBe(400);
  });
});

describe("GET /api/files/{id}/view", () => {
  it.each([
    ["a PNG", "photo.png", "image/png", startingWith(PNG_SIGNATURE, 64), "inline"],
    ["an MP4", "clip.mp4", "video/mp4", startingWith(MP4_FTYP_HEADER, 64), "inline"],
    ["an MP3 (allowlisted, not media a lightbox shows)", "song.mp3", "audio/mpeg", startingWith(Buffer.from("ID3"), 64), "attachment"],
  ])("serves %s with its stored type, %s", async (_label, name, type, bytes, disposition) => {
    const s = await createSignedInUser();
    const id = await uploaded(s, { name, type, bytes });
    const res = await viewRoute(jsonRequest(`/api/files/${id}/view`, { cookie: s.cookie }), routeParams({ id }));
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const served = await fetch(res.headers.get("location")!);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe(type);
    expect(served.headers.get("content-disposition")).toBe(`${disposition}; filename="${name}"; filename*=UTF-8''${name}`);
    expect(sha256(new Uint8Array(await served.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("answers 404 for another user's file and for a pending one", async () => {
    const s = await createSignedInUser();
    const other = await createSignedInUser();
    const created = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "photo.png", size: 10, type: "image/png" } }));
    const { file } = (await created.json()) as CreateUploadResponse;
    const view = (who: Session) => viewRoute(jsonRequest(`/api/files/${file.id}/view`, { cookie: who.cookie }), routeParams({ id: file.id }));
    expect((await view(s)).status).toBe(404);
    expect((await view(other)).status).toBe(404);
  });
});

describe("a shared file's page", () => {
  it("shows the stored preview to a visitor, and none for a file whose preview is only planned", async () => {
    const s = await createSignedInUser();
    const bytes = webp(2000);
    const { id } = await withStoredPreview(s, { size: 2000, type: "image/webp" }, bytes);
    const bare = await withPlannedPreview(s, { size: 200, type: "image/webp" }, webp(200));
    const linkOf = async (fileId: string) => {
      const res = await createLinkRoute(jsonRequest(`/api/files/${fileId}/links`, { cookie: s.cookie, body: {} }), routeParams({ id: fileId }));
      expect(res.status).toBe(201);
      return new URL(((await res.json()) as { link: { url: string } }).link.url).pathname.split("/").pop()!;
    };

    const shown = await viewSharedFile(await linkOf(id));
    const served = await fetch(shown!.previewUrl!);
    expect(served.headers.get("content-type")).toBe("image/webp");
    expect(sha256(new Uint8Array(await served.arrayBuffer()))).toBe(sha256(bytes));
    expect((await viewSharedFile(await linkOf(bare.id)))!.previewUrl).toBeNull();
  });
});
