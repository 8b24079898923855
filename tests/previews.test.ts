import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/files/route";
import { DELETE as deleteFileRoute, PATCH as renameRoute } from "@/app/api/files/[id]/route";
import { GET as viewRoute } from "@/app/api/files/[id]/view/route";
import { POST as createRoute } from "@/app/api/uploads/route";
import { DELETE as cancelRoute } from "@/app/api/uploads/[id]/route";
import { POST as completeRoute } from "@/app/api/uploads/[id]/complete/route";
import { POST as previewRoute } from "@/app/api/uploads/[id]/preview/route";
import { POST as partsRoute } from "@/app/api/uploads/[id]/parts/route";
import { POST as partsDoneRoute } from "@/app/api/uploads/[id]/parts/done/route";
import { POST as completeBatchRoute } from "@/app/api/uploads/batch/complete/route";
import { POST as createLinkRoute } from "@/app/api/files/[id]/links/route";
import { getFileItemById } from "@/db/queries/file-items";
import { crc32Base64 } from "@/client/hashing/checksum";
import { getEnv } from "@/server/env";
import type { LibraryPage } from "@/lib/contracts/library-schemas";
import { PREVIEW_MAX_BYTES, type PlanPreviewResponse } from "@/lib/contracts/preview-schemas";
import type { CompleteUploadsResponse, CreateUploadResponse, FileItemJson, PostUploadTarget, SignPartsResponse } from "@/lib/contracts/upload-schemas";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { checkConsistency, isConsistent } from "@/server/ops/consistency";
import { viewSharedFile } from "@/server/sharing/share-access";
import { GIF_SIGNATURE, MP4_FTYP_HEADER, PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { keysUnder, testS3, userObjectKeys } from "../testing/s3-direct";

type Session = Awaited<ReturnType<typeof createSignedInUser>>;
type Preview = { size: number; type: string };

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

async function create(s: Session, file: { name: string; size: number; type: string }) {
  const res = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: file }));
  expect(res.status).toBe(201);
  return (await res.json()) as CreateUploadResponse;
}

const planPreview = (s: Session, id: string, body: unknown) =>
  previewRoute(jsonRequest(`/api/uploads/${id}/preview`, { cookie: s.cookie, body }), routeParams({ id }));

async function planned(s: Session, id: string, preview: Preview): Promise<PostUploadTarget> {
  const res = await planPreview(s, id, preview);
  expect(res.status).toBe(201);
  return ((await res.json()) as PlanPreviewResponse).upload;
}

/** Posts to MinIO as the browser does (signed fields first, the file last); `fields` overrides some. */
async function post(upload: PostUploadTarget, bytes: Uint8Array, fields: Record<string, string> = {}): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...upload.fields, ...fields })) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const res = await fetch(upload.url, { method: "POST", body: form });
  await res.arrayBuffer();
  return res.status;
}

const complete = (s: Session, id: string) => completeRoute(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: s.cookie }), routeParams({ id }));
const view = (s: Session, id: string) => viewRoute(jsonRequest(`/api/files/${id}/view`, { cookie: s.cookie }), routeParams({ id }));

async function completed(s: Session, id: string): Promise<FileItemJson> {
  const res = await complete(s, id);
  expect(res.status).toBe(200);
  return ((await res.json()) as { file: FileItemJson }).file;
}

/** A PNG file posted to storage, with a preview planned and (unless `previewBytes` is null) posted. */
async function pngWithPreview(s: Session, preview: Preview, previewBytes: Uint8Array | null, size = 100) {
  const { file, upload } = await create(s, { name: "photo.png", size, type: "image/png" });
  expect(await post(upload as PostUploadTarget, startingWith(PNG_SIGNATURE, size, 3))).toBe(204);
  const form = await planned(s, file.id, preview);
  if (previewBytes) expect(await post(form, previewBytes)).toBe(204);
  return { id: file.id, form };
}

async function listed(s: Session): Promise<FileItemJson[]> {
  const res = await listRoute(jsonRequest("/api/files", { cookie: s.cookie }));
  expect(res.status).toBe(200);
  return ((await res.json()) as LibraryPage).files;
}

async function expectConsistent(userId: string) {
  const report = await checkConsistency(`u/${userId}/`);
  expect(report.missingObjects).toEqual([]);
  expect(report.orphanObjects).toEqual([]);
  expect(isConsistent(report)).toBe(true);
}

describe("POST /api/uploads/{id}/preview", () => {
  it("signs a form MinIO holds to the preview's staging key, exact size and type", async () => {
    const s = await createSignedInUser();
    const { file } = await create(s, { name: "photo.png", size: 100, type: "image/png" });
    const form = await planned(s, file.id, { size: 2000, type: "image/webp" });
    expect(form.strategy).toBe("post");
    expect(form.fields.key).toBe(`staging/${s.user.id}/${file.id}.preview`);
    expect(form.fields["Content-Type"]).toBe("image/webp");
    expect(Date.parse(form.expiresAt) - Date.now()).toBeLessThanOrEqual(getEnv().UPLOAD_URL_TTL_SECONDS * 1000);

    // A size outside the form's content-length-range is MinIO's 400 (EntityTooSmall / EntityTooLarge).
    expect(await post(form, webp(1999))).toBe(400);
    expect(await post(form, webp(2001))).toBe(400);
    expect(await post(form, webp(2000), { key: `staging/${s.user.id}/${file.id}` })).toBe(403);
    expect(await post(form, webp(2000), { key: `u/${s.user.id}/${file.id}.preview` })).toBe(403);
    expect(await post(form, webp(2000), { "Content-Type": "image/jpeg" })).toBe(403);
    expect(await post(form, webp(2000), { "Content-Type": "text/html" })).toBe(403);
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([]);
    expect(await post(form, webp(2000))).toBe(204);
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([`staging/${s.user.id}/${file.id}.preview`]);
  });

  it("records the plan on the pending file item; asking again replaces it", async () => {
    const s = await createSignedInUser();
    const { file } = await create(s, { name: "clip.mov", size: 100, type: "video/quicktime" });
    await planned(s, file.id, { size: 3000, type: "image/webp" });
    expect(await getFileItemById({ id: file.id, ownerId: s.user.id })).toMatchObject({ previewSize: 3000, previewType: "image/webp" });
    const again = await planned(s, file.id, { size: 1500, type: "IMAGE/JPEG" });
    expect(again.fields["Content-Type"]).toBe("image/jpeg");
    expect(await getFileItemById({ id: file.id, ownerId: s.user.id })).toMatchObject({ previewSize: 1500, previewType: "image/jpeg" });
  });

  it.each([
    ["a preview over 64 KiB", { size: PREVIEW_MAX_BYTES + 1, type: "image/webp" }, 413, "too_large"],
    ["a PNG preview", { size: 100, type: "image/png" }, 415, "unsupported_type"],
    ["an SVG preview", { size: 100, type: "image/svg+xml" }, 415, "unsupported_type"],
    ["an empty preview", { size: 0, type: "image/webp" }, 400, "bad_request"],
  ])("refuses %s", async (_label, body, status, code) => {
    const s = await createSignedInUser();
    const { file } = await create(s, { name: "photo.png", size: 100, type: "image/png" });
    const res = await planPreview(s, file.id, body);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
    expect(await getFileItemById({ id: file.id, ownerId: s.user.id })).toMatchObject({ previewSize: null, previewType: null });
  });

  it("accepts exactly 64 KiB", async () => {
    const s = await createSignedInUser();
    const { file } = await create(s, { name: "photo.png", size: 100, type: "image/png" });
    expect((await planPreview(s, file.id, { size: PREVIEW_MAX_BYTES, type: "image/jpeg" })).status).toBe(201);
  });

  it("refuses a file type that gets no preview (409 not_previewable), another user's upload (404) and an uploaded file (409)", async () => {
    const s = await createSignedInUser();
    const other = await createSignedInUser();
    const body = { size: 100, type: "image/webp" };
    const mp3 = await create(s, { name: "song.mp3", size: 100, type: "audio/mpeg" });
    const refused = await planPreview(s, mp3.file.id, body);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe("not_previewable");

    const { id } = await pngWithPreview(s, { size: 200, type: "image/webp" }, webp(200));
    expect((await planPreview(other, id, body)).status).toBe(404);
    await completed(s, id);
    const late = await planPreview(s, id, body);
    expect(late.status).toBe(409);
    expect((await late.json()).error.code).toBe("conflict");
  });
});

describe("complete with a preview", () => {
  it("records a good preview and serves it through previewUrl: the same bytes, inline, image/webp", async () => {
    const s = await createSignedInUser();
    const bytes = webp(3000);
    const { id } = await pngWithPreview(s, { size: 3000, type: "image/webp" }, bytes);
    const file = await completed(s, id);
    expect(file.previewUrl).toEqual(expect.any(String));
    expect(await getFileItemById({ id, ownerId: s.user.id })).toMatchObject({ status: "uploaded", previewSize: 3000, previewType: "image/webp" });

    const [shown] = await listed(s);
    expect(shown!.id).toBe(id);
    const res = await fetch(shown!.previewUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("content-disposition")).toBe("inline");
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes));
    // Only the file and its preview stay: both staging objects are gone.
    const row = (await getFileItemById({ id, ownerId: s.user.id }))!;
    expect(await userObjectKeys(s.user.id)).toEqual([row.key, `u/${s.user.id}/${id}.preview`].sort());
    await expectConsistent(s.user.id);
    // A rename answers the file with its preview too.
    const renamed = await renameRoute(jsonRequest(`/api/files/${id}`, { method: "PATCH", cookie: s.cookie, body: { name: "b.png" } }), routeParams({ id }));
    expect(((await renamed.json()) as { file: FileItemJson }).file.previewUrl).toEqual(expect.any(String));
  });

  it("serves a JPEG preview as image/jpeg", async () => {
    const s = await createSignedInUser();
    const { id } = await pngWithPreview(s, { size: 500, type: "image/jpeg" }, jpeg(500));
    await completed(s, id);
    const res = await fetch((await listed(s))[0]!.previewUrl!);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
  });

  it.each<[string, Preview, (s: Session, id: string, form: PostUploadTarget) => Promise<void>]>([
    ["HTML bytes under image/webp", { size: 400, type: "image/webp" }, async (_s, _id, form) => expect(await post(form, html(400))).toBe(204)],
    ["JPEG bytes under image/webp", { size: 400, type: "image/webp" }, async (_s, _id, form) => expect(await post(form, jpeg(400))).toBe(204)],
    ["a preview never posted", { size: 400, type: "image/webp" }, async () => {}],
    [
      "a preview of another size (written behind the form's back)",
      { size: 400, type: "image/webp" },
      async (s, id) => {
        await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: `staging/${s.user.id}/${id}.preview`, Body: webp(401), ContentType: "image/webp" }));
      },
    ],
    [
      "a preview of another type (written behind the form's back)",
      { size: 400, type: "image/webp" },
      async (s, id) => {
        await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: `staging/${s.user.id}/${id}.preview`, Body: webp(400), ContentType: "image/jpeg" }));
      },
    ],
  ])("drops %s while the file completes 200", async (_label, preview, store) => {
    const s = await createSignedInUser();
    const { id, form } = await pngWithPreview(s, preview, null);
    await store(s, id, form);
    const file = await completed(s, id);
    expect(file).toMatchObject({ status: "uploaded", previewUrl: null });
    const row = (await getFileItemById({ id, ownerId: s.user.id }))!;
    expect(row).toMatchObject({ previewSize: null, previewType: null });
    expect((await listed(s))[0]!.previewUrl).toBeNull();
    expect(await userObjectKeys(s.user.id)).toEqual([row.key]);
    await expectConsistent(s.user.id);
  });

  it("completes a batch together, keeping each good preview and dropping the others", async () => {
    const s = await createSignedInUser();
    const good = await pngWithPreview(s, { size: 600, type: "image/webp" }, webp(600));
    const bad = await pngWithPreview(s, { size: 600, type: "image/webp" }, html(600));
    const { file: plain, upload } = await create(s, { name: "plain.gif", size: 50, type: "image/gif" });
    expect(await post(upload as PostUploadTarget, startingWith(GIF_SIGNATURE, 50))).toBe(204);
    const res = await completeBatchRoute(jsonRequest("/api/uploads/batch/complete", { cookie: s.cookie, body: { ids: [good.id, bad.id, plain.id] } }));
    const { results } = (await res.json()) as CompleteUploadsResponse;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const files = results.map((r) => (r as { file: FileItemJson }).file);
    expect(files[0]!.previewUrl).toEqual(expect.any(String));
    expect(files.slice(1).map((f) => f.previewUrl)).toEqual([null, null]);
    expect(await getFileItemById({ id: good.id, ownerId: s.user.id })).toMatchObject({ previewSize: 600, previewType: "image/webp" });
    expect(await getFileItemById({ id: bad.id, ownerId: s.user.id })).toMatchObject({ previewSize: null, previewType: null });
    expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([]);
    expect(await keysUnder(`u/${s.user.id}/`)).toContain(`u/${s.user.id}/${good.id}.preview`);
    expect(await keysUnder(`u/${s.user.id}/`)).not.toContain(`u/${s.user.id}/${bad.id}.preview`);
    await expectConsistent(s.user.id);
  });

  it("checks and keeps the preview of a multipart upload", async () => {
    const env = getEnv();
    const threshold = env.MULTIPART_THRESHOLD_BYTES;
    env.MULTIPART_THRESHOLD_BYTES = 0; // a one-part multipart upload of a small file
    try {
      const s = await createSignedInUser();
      const data = Buffer.concat([MP4_FTYP_HEADER, Buffer.alloc(1000, 7)]);
      const { file } = await create(s, { name: "clip.mp4", size: data.length, type: "video/mp4" });
      const form = await planned(s, file.id, { size: 700, type: "image/jpeg" });
      expect(await post(form, jpeg(700))).toBe(204);
      const checksum = await crc32Base64(data);
      const id = file.id;
      const signed = await partsRoute(jsonRequest(`/api/uploads/${id}/parts`, { cookie: s.cookie, body: { partNumbers: [1], checksums: { "1": checksum } } }), routeParams({ id }));
      const [part] = ((await signed.json()) as SignPartsResponse).parts;
      const put = await fetch(part!.url, { method: "PUT", body: data, headers: { "x-amz-checksum-crc32": checksum } });
      expect(put.status).toBe(200);
      const report = { parts: [{ partNumber: 1, etag: put.headers.get("etag")!, checksum }] };
      expect((await partsDoneRoute(jsonRequest(`/api/uploads/${id}/parts/done`, { cookie: s.cookie, body: report }), routeParams({ id }))).status).toBe(204);
      expect((await completed(s, id)).previewUrl).toEqual(expect.any(String));
      expect(await keysUnder(`staging/${s.user.id}/`)).toEqual([]);
      await expectConsistent(s.user.id);
    } finally {
      env.MULTIPART_THRESHOLD_BYTES = threshold;
    }
  });
});

describe("a preview's objects go with its file", () => {
  it("deleting the file deletes its preview", async () => {
    const s = await createSignedInUser();
    const { id } = await pngWithPreview(s, { size: 300, type: "image/webp" }, webp(300));
    await completed(s, id);
    expect(await keysUnder(`u/${s.user.id}/`)).toHaveLength(2);
    const res = await deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
    expect(res.status).toBe(204);
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    await cleanupStaleUploads();
    await expectConsistent(s.user.id);
  });

  it("cancel, then cleanup, leave nothing: not even a preview form posted again after the cancel", async () => {
    const s = await createSignedInUser();
    const { id, form } = await pngWithPreview(s, { size: 300, type: "image/webp" }, webp(300));
    expect((await cancelRoute(jsonRequest(`/api/uploads/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }))).status).toBe(204);
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    expect(await post(form, webp(300, 0x12))).toBe(204);
    expect(await userObjectKeys(s.user.id)).toEqual([`staging/${s.user.id}/${id}.preview`]);
    const report = await checkConsistency(`u/${s.user.id}/`);
    expect(report.orphanObjects).toEqual([{ key: `staging/${s.user.id}/${id}.preview`, size: 300 }]);
    // Cleanup's sweep of ended file items removes it (keysOf names the preview's staging key too).
    await cleanupStaleUploads();
    expect(await userObjectKeys(s.user.id)).toEqual([]);
    await expectConsistent(s.user.id);
  });

  it("a preview form posted again after complete is removed by cleanup; the served preview stays as checked", async () => {
    const s = await createSignedInUser();
    const bytes = webp(300);
    const { id, form } = await pngWithPreview(s, { size: 300, type: "image/webp" }, bytes);
    await completed(s, id);
    expect(await post(form, webp(300, 0x13))).toBe(204);
    await cleanupStaleUploads();
    await expectConsistent(s.user.id);
    const served = await fetch((await listed(s))[0]!.previewUrl!);
    expect(sha256(new Uint8Array(await served.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("uploads:check reports a preview object no file item records, and a recorded preview that is missing", async () => {
    const s = await createSignedInUser();
    const { id } = await pngWithPreview(s, { size: 300, type: "image/webp" }, html(300));
    await completed(s, id); // the preview was dropped
    const stray = `u/${s.user.id}/${id}.preview`;
    await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: stray, Body: webp(30), ContentType: "image/webp" }));
    expect((await checkConsistency(`u/${s.user.id}/`)).orphanObjects).toEqual([{ key: stray, size: 30 }]);

    const other = await createSignedInUser();
    const kept = await pngWithPreview(other, { size: 300, type: "image/webp" }, webp(300));
    await completed(other, kept.id);
    const key = `u/${other.user.id}/${kept.id}.preview`;
    await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: webp(20), ContentType: "image/webp" }));
    expect((await checkConsistency(`u/${other.user.id}/`)).missingObjects).toEqual([{ id: kept.id, key, expectedSize: 300, actualSize: 20 }]);
  });
});

describe("previews and the quota", () => {
  it("counts a planned preview like pending bytes, and a kept one like uploaded bytes", async () => {
    const env = getEnv();
    const quota = env.USER_QUOTA_BYTES;
    env.USER_QUOTA_BYTES = 10_000;
    try {
      const s = await createSignedInUser();
      const { file } = await create(s, { name: "photo.png", size: 6000, type: "image/png" });
      const over = await planPreview(s, file.id, { size: 4001, type: "image/webp" });
      expect(over.status).toBe(413);
      expect((await over.json()).error.code).toBe("quota_exceeded");
      // Exactly the quota fits; a new plan replaces the old one's bytes rather than adding to them.
      await planned(s, file.id, { size: 4000, type: "image/webp" });
      await planned(s, file.id, { size: 3000, type: "image/webp" });
      const full = await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "b.png", size: 1001, type: "image/png" } }));
      expect(full.status).toBe(413);
      expect((await createRoute(jsonRequest("/api/uploads", { cookie: s.cookie, body: { name: "b.png", size: 1000, type: "image/png" } }))).status).toBe(201);
    } finally {
      env.USER_QUOTA_BYTES = quota;
    }
  });

  it("shows a kept preview's bytes in the library's usage", async () => {
    const s = await createSignedInUser();
    const { id } = await pngWithPreview(s, { size: 300, type: "image/webp" }, webp(300), 100);
    await completed(s, id);
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
    const { file, upload } = await create(s, { name, size: bytes.length, type });
    expect(await post(upload as PostUploadTarget, bytes)).toBe(204);
    await completed(s, file.id);
    const res = await view(s, file.id);
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
    const { file } = await create(s, { name: "photo.png", size: 10, type: "image/png" });
    expect((await view(s, file.id)).status).toBe(404);
    expect((await view(other, file.id)).status).toBe(404);
  });
});

describe("a shared file's page", () => {
  it("shows the checked preview to a visitor, and none for a file without one", async () => {
    const s = await createSignedInUser();
    const bytes = webp(2000);
    const { id } = await pngWithPreview(s, { size: 2000, type: "image/webp" }, bytes);
    await completed(s, id);
    const bare = await pngWithPreview(s, { size: 200, type: "image/webp" }, null);
    await completed(s, bare.id);
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
