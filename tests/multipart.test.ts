import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as createUpload } from "@/app/api/uploads/route";
import { DELETE as cancelUpload, GET as getUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { POST as completeBatch } from "@/app/api/uploads/batch/complete/route";
import { POST as signParts } from "@/app/api/uploads/[id]/parts/route";
import { POST as partsDone } from "@/app/api/uploads/[id]/parts/done/route";
import { POST as partDone } from "@/app/api/uploads/[id]/parts/[n]/done/route";
import { getFileItemById } from "@/db/queries/file-items";
import { listFileParts } from "@/db/queries/file-parts";
import { getEnv } from "@/server/env";
import { crc32Base64 } from "@/client/hashing/checksum";
import { MIB } from "@/lib/units";
import type { CompleteUploadsResponse, MultipartUploadTarget, PostUploadTarget, SignPartsResponse, UploadStatusResponse } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { MP4_FTYP_HEADER, PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { multipartUploadIds, sha256OfObject } from "../testing/s3-direct";
import { withPostForms } from "../testing/store-abilities";

type Session = Awaited<ReturnType<typeof createSignedInUser>>;

async function start(session: Session, size: number) {
  const res = await createUpload(jsonRequest("/api/uploads", { cookie: session.cookie, body: { name: "big.mp4", size, type: "video/mp4" } }));
  expect(res.status).toBe(201);
  const body = await res.json();
  return { id: body.file.id as string, upload: body.upload as MultipartUploadTarget };
}

async function sign(session: Session, id: string, partNumbers: number[], checksums?: Record<string, string>) {
  return signParts(jsonRequest(`/api/uploads/${id}/parts`, { cookie: session.cookie, body: { partNumbers, checksums } }), routeParams({ id }));
}

async function put(url: string, bytes: Uint8Array, checksum?: string) {
  return fetch(url, { method: "PUT", body: bytes as Uint8Array<ArrayBuffer>, headers: checksum ? { "x-amz-checksum-crc32": checksum } : {} });
}

const complete = (session: Session, id: string) =>
  completeUpload(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: session.cookie }), routeParams({ id }));

const partsOf = (data: Uint8Array, upload: MultipartUploadTarget) =>
  Array.from({ length: upload.partCount }, (_, i) => data.subarray(i * upload.partSize, (i + 1) * upload.partSize));

withPostForms();

describe("multipart uploads through the API against the store (MinIO, or SeaweedFS with TEST_STORE=seaweedfs)", () => {
  it("uploads 200 MiB in checksummed parts, resumes from the stored list, and completes verified", async () => {
    const session = await createSignedInUser();
    const data = randomBytes(200 * MIB);
    MP4_FTYP_HEADER.copy(data); // random bytes can look like MP3 frames; the content check must see an MP4
    const { id, upload } = await start(session, data.length);
    expect(upload).toMatchObject({ strategy: "multipart", partSize: 16 * MIB, partCount: 13 });
    const parts = partsOf(data, upload);
    const checksums = Object.fromEntries(await Promise.all(parts.map(async (p, i) => [String(i + 1), await crc32Base64(p)] as const)));

    // First half now, reported one by one.
    const firstHalf = [1, 2, 3, 4, 5, 6];
    const first = (await (await sign(session, id, firstHalf, Object.fromEntries(firstHalf.map((n) => [String(n), checksums[n]!])))).json()) as SignPartsResponse;
    for (const part of first.parts) {
      const res = await put(part.url, parts[part.partNumber - 1]!, checksums[part.partNumber]);
      expect(res.status).toBe(200);
      const done = await partDone(
        jsonRequest(`/api/uploads/${id}/parts/${part.partNumber}/done`, { cookie: session.cookie, body: { etag: res.headers.get("etag"), checksum: checksums[part.partNumber] } }),
        routeParams({ id, n: String(part.partNumber) }),
      );
      expect(done.status).toBe(204);
    }

    // "Reload": ask what is stored and send only the rest.
    const status = (await (await getUpload(jsonRequest(`/api/uploads/${id}`, { cookie: session.cookie }), routeParams({ id }))).json()) as UploadStatusResponse;
    expect(status.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(status.upload).toMatchObject({ partCount: 13 });
    const missing = [7, 8, 9, 10, 11, 12, 13];
    const rest = (await (await sign(session, id, missing, Object.fromEntries(missing.map((n) => [String(n), checksums[n]!])))).json()) as SignPartsResponse;
    const reports = await Promise.all(
      rest.parts.map(async (part) => {
        const res = await put(part.url, parts[part.partNumber - 1]!, checksums[part.partNumber]);
        expect(res.status).toBe(200);
        return { partNumber: part.partNumber, etag: res.headers.get("etag")!, checksum: checksums[part.partNumber] };
      }),
    );
    expect((await partsDone(jsonRequest(`/api/uploads/${id}/parts/done`, { cookie: session.cookie, body: { parts: reports } }), routeParams({ id }))).status).toBe(204);

    const res = await complete(session, id);
    expect(res.status).toBe(200);
    const { file } = await res.json();
    expect(file).toMatchObject({ status: "uploaded", size: 200 * MIB });
    expect(file.checksum).toMatch(/^CRC32:[A-Za-z0-9+/]{6}==-13$/);
    const row = await getFileItemById({ id, ownerId: session.user.id });
    expect(await sha256OfObject(row!.key)).toBe(createHash("sha256").update(data).digest("hex"));
    expect((await complete(session, id)).status).toBe(200); // idempotent
  }, 120_000);

  describe("S3_PART_CHECKSUM=none: parts without a checksum, for stores that refuse them", () => {
    /** Runs `fn` with the store's part checksum set to `value`, as S3_PART_CHECKSUM would. */
    async function withPartChecksum<T>(value: "crc32" | "none", fn: () => Promise<T>): Promise<T> {
      const abilities = getEnv().storeAbilities;
      const before = abilities.partChecksum;
      abilities.partChecksum = value;
      try {
        return await fn();
      } finally {
        abilities.partChecksum = before;
      }
    }

    it("creates the upload without a checksum algorithm, signs bare part URLs and completes the file", async () => {
      const session = await createSignedInUser();
      const data = randomBytes(100 * MIB + 1);
      MP4_FTYP_HEADER.copy(data);
      const { id, upload } = await withPartChecksum("none", () => start(session, data.length));
      expect(upload).toMatchObject({ strategy: "multipart", partCount: 7, checksum: null });
      const parts = partsOf(data, upload);
      const numbers = parts.map((_, i) => i + 1);
      // A CRC32 the upload was not created for is refused before anything is signed.
      const withChecksum = await sign(session, id, [1], { "1": await crc32Base64(parts[0]!) });
      expect(withChecksum.status).toBe(400);
      expect((await withChecksum.json()).error.message).toMatch(/^checksums: this upload's parts carry no checksum/);
      const signed = (await (await sign(session, id, numbers)).json()) as SignPartsResponse;
      expect(new URL(signed.parts[0]!.url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");
      for (const part of signed.parts) expect((await put(part.url, parts[part.partNumber - 1]!)).status).toBe(200);

      // Completing does not depend on the setting at complete time: the upload keeps what it was created with.
      const res = await withPartChecksum("crc32", () => complete(session, id));
      expect(res.status).toBe(200);
      expect((await res.json()).file).toMatchObject({ status: "uploaded", size: data.length });
      const row = await getFileItemById({ id, ownerId: session.user.id });
      expect(row).toMatchObject({ partChecksum: "none", storageRefusal: null });
      expect(await sha256OfObject(row!.key)).toBe(createHash("sha256").update(data).digest("hex"));
    }, 120_000);

    it("an upload created with CRC32 keeps needing each part's CRC32 after the setting changes to none", async () => {
      const session = await createSignedInUser();
      const { id, upload } = await withPartChecksum("crc32", () => start(session, 100 * MIB + 1));
      expect(upload.checksum).toBe("crc32");
      await withPartChecksum("none", async () => {
        expect((await sign(session, id, [1])).status).toBe(400);
        const status = (await (await getUpload(jsonRequest(`/api/uploads/${id}`, { cookie: session.cookie }), routeParams({ id }))).json()) as UploadStatusResponse;
        expect(status.upload).toMatchObject({ checksum: "crc32" });
      });
    });
  });

  it("the store rejects a part whose bytes do not match the signed checksum", async () => {
    const session = await createSignedInUser();
    const { id, upload } = await start(session, 100 * MIB + 1);
    const good = randomBytes(upload.partSize);
    const checksum = await crc32Base64(good);
    const [part] = ((await (await sign(session, id, [1], { "1": checksum })).json()) as SignPartsResponse).parts;
    const corrupted = Buffer.from(good);
    corrupted[12345] = corrupted[12345]! ^ 0xff;
    const res = await put(part!.url, corrupted, checksum);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/BadDigest|XAmzContentChecksumMismatch|checksum/i);
    expect((await put(part!.url, good, checksum)).status).toBe(200);
  });

  it("a part URL only fits its own size, part number and upload", async () => {
    const session = await createSignedInUser();
    const a = await start(session, 100 * MIB + 1);
    const b = await start(session, 100 * MIB + 1);
    const body = randomBytes(a.upload.partSize);
    const checksum = await crc32Base64(body);
    const [part] = ((await (await sign(session, a.id, [1], { "1": checksum })).json()) as SignPartsResponse).parts;
    const url = new URL(part!.url);

    expect((await put(url.toString(), body.subarray(1), await crc32Base64(body.subarray(1)))).status).toBe(403); // one byte short
    const otherPart = new URL(url);
    otherPart.searchParams.set("partNumber", "2");
    expect((await put(otherPart.toString(), body, checksum)).status).toBe(403);
    const statusB = (await (await getUpload(jsonRequest(`/api/uploads/${b.id}`, { cookie: session.cookie }), routeParams({ id: b.id }))).json()) as UploadStatusResponse;
    expect(statusB.parts).toEqual([]);
    const otherUpload = new URL(url);
    otherUpload.searchParams.set("uploadId", "not-" + (url.searchParams.get("uploadId") ?? ""));
    expect((await put(otherUpload.toString(), body, checksum)).status).toBe(403);
    expect((await put(url.toString(), body, "AAAAAA==")).status).toBe(403); // a checksum other than the signed one
    expect((await put(url.toString(), body, checksum)).status).toBe(200);
  });

  it("answers 409 upload_incomplete when parts are missing, naming them", async () => {
    const session = await createSignedInUser();
    const { id } = await start(session, 100 * MIB + 1); // 7 parts of 16 MiB
    const res = await complete(session, id);
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe("upload_incomplete");
    expect(body.error.message).toContain("7 of 7 parts");
  });

  it.each([
    ["a part beyond the plan", { partNumbers: [8] }, 400],
    ["part 0", { partNumbers: [0] }, 400],
    ["101 parts at once", { partNumbers: Array.from({ length: 101 }, (_, i) => i + 1) }, 400],
    ["a checksum that is not base64 CRC32", { partNumbers: [1], checksums: { "1": "abc" } }, 400],
    ["a checksum for a part not asked for", { partNumbers: [1], checksums: { "1": "AAAAAA==", "2": "AAAAAA==" } }, 400],
    ["a part without its checksum", { partNumbers: [1, 2], checksums: { "1": "AAAAAA==" } }, 400],
    ["a part listed twice", { partNumbers: [2, 1, 2], checksums: { "1": "AAAAAA==", "2": "AAAAAA==" } }, 400],
    ["a checksum keyed with a leading zero", { partNumbers: [1], checksums: { "01": "AAAAAA==" } }, 400],
  ])("signing refuses %s", async (_label, body, status) => {
    const session = await createSignedInUser();
    const { id } = await start(session, 100 * MIB + 1);
    const res = await signParts(jsonRequest(`/api/uploads/${id}/parts`, { cookie: session.cookie, body }), routeParams({ id }));
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe("bad_request");
  });

  it("part numbers may come in any order; one listed twice is a 400 naming it, on signing and on reporting (issue 23)", async () => {
    const session = await createSignedInUser();
    const { id } = await start(session, 100 * MIB + 1); // 7 parts of 16 MiB
    const checksums = { "3": "AAAAAA==", "1": "AAAAAA==", "2": "AAAAAA==" };
    const signed = await sign(session, id, [3, 1, 2], checksums);
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as SignPartsResponse).parts.map((p) => p.partNumber)).toEqual([3, 1, 2]);

    const report = (parts: Array<{ partNumber: number; etag: string }>) =>
      partsDone(jsonRequest(`/api/uploads/${id}/parts/done`, { cookie: session.cookie, body: { parts } }), routeParams({ id }));
    expect((await report([{ partNumber: 3, etag: '"c"' }, { partNumber: 1, etag: '"a"' }])).status).toBe(204);
    const twice = await report([
      { partNumber: 2, etag: '"b"' },
      { partNumber: 5, etag: '"e"' },
      { partNumber: 2, etag: '"b2"' },
    ]);
    expect(twice.status).toBe(400);
    expect((await twice.json()).error).toEqual({ code: "bad_request", message: "parts: must not list part 2 twice" });
    // Nothing of the refused report was recorded: the parts reported before are all there is.
    expect((await listFileParts({ fileId: id })).map((p) => [p.partNumber, p.etag])).toEqual([
      [1, '"a"'],
      [3, '"c"'],
    ]);
  });

  it("another user's upload is 404 on every multipart route", async () => {
    const owner = await createSignedInUser();
    const other = await createSignedInUser();
    const { id } = await start(owner, 100 * MIB + 1);
    expect((await sign(other, id, [1], { "1": "AAAAAA==" })).status).toBe(404);
    expect((await getUpload(jsonRequest(`/api/uploads/${id}`, { cookie: other.cookie }), routeParams({ id }))).status).toBe(404);
    const done = await partsDone(jsonRequest(`/api/uploads/${id}/parts/done`, { cookie: other.cookie, body: { parts: [{ partNumber: 1, etag: "x" }] } }), routeParams({ id }));
    expect(done.status).toBe(404);
  });

  it("cancel aborts the multipart upload: nothing is left in ListMultipartUploads", async () => {
    const session = await createSignedInUser();
    const { id, upload } = await start(session, 100 * MIB + 1);
    const bytes = randomBytes(upload.partSize);
    const checksum = await crc32Base64(bytes);
    const [part] = ((await (await sign(session, id, [1], { "1": checksum })).json()) as SignPartsResponse).parts;
    expect((await put(part!.url, bytes, checksum)).status).toBe(200);
    const key = (await getFileItemById({ id, ownerId: session.user.id }))!.key;
    expect(await multipartUploadIds(key)).toHaveLength(1);

    const res = await cancelUpload(jsonRequest(`/api/uploads/${id}`, { method: "DELETE", cookie: session.cookie }), routeParams({ id }));
    expect(res.status).toBe(204);
    expect(await multipartUploadIds(key)).toEqual([]);
    expect((await getFileItemById({ id, ownerId: session.user.id }))!.status).toBe("aborted");
    expect((await sign(session, id, [2], { "2": checksum })).status).toBe(409);
  });

  it("completes through the batch route beside POST uploads: one pipeline, each strategy its own steps", async () => {
    const session = await createSignedInUser();
    const data = randomBytes(100 * MIB + 1);
    MP4_FTYP_HEADER.copy(data);
    const { id, upload } = await start(session, data.length);
    const parts = partsOf(data, upload);
    const checksums = Object.fromEntries(await Promise.all(parts.map(async (p, i) => [String(i + 1), await crc32Base64(p)] as const)));
    const numbers = parts.map((_, i) => i + 1);
    const signed = (await (await sign(session, id, numbers, checksums)).json()) as SignPartsResponse;
    const reports = [];
    for (const part of signed.parts) {
      const res = await put(part.url, parts[part.partNumber - 1]!, checksums[part.partNumber]);
      expect(res.status).toBe(200);
      reports.push({ partNumber: part.partNumber, etag: res.headers.get("etag")!, checksum: checksums[part.partNumber] });
    }
    // As the engine does before its complete (SeaweedFS's ListParts leaves the CRC32s out; the reports have them).
    expect((await partsDone(jsonRequest(`/api/uploads/${id}/parts/done`, { cookie: session.cookie, body: { parts: reports } }), routeParams({ id }))).status).toBe(204);
    const unsent = await start(session, 100 * MIB + 1);
    const small = await createUpload(jsonRequest("/api/uploads", { cookie: session.cookie, body: { name: "a.png", size: 100, type: "image/png" } }));
    const png = (await small.json()) as { file: { id: string }; upload: PostUploadTarget };
    const form = new FormData();
    for (const [name, value] of Object.entries(png.upload.fields)) form.append(name, value);
    form.append("file", new Blob([startingWith(PNG_SIGNATURE, 100, 1) as Uint8Array<ArrayBuffer>]));
    expect((await fetch(png.upload.url, { method: "POST", body: form })).status).toBe(204);

    const res = await completeBatch(jsonRequest("/api/uploads/batch/complete", { cookie: session.cookie, body: { ids: [id, png.file.id, unsent.id] } }));
    const { results } = (await res.json()) as CompleteUploadsResponse;
    expect(results.map((r) => r.status)).toEqual([200, 200, 409]);
    expect(results[0]).toMatchObject({ file: { id, status: "uploaded", size: 100 * MIB + 1 } });
    expect((results[0] as { file: { checksum: string } }).file.checksum).toMatch(/^CRC32:[A-Za-z0-9+/]{6}==-7$/);
    expect(results[1]).toMatchObject({ file: { id: png.file.id, status: "uploaded", size: 100, checksum: null } });
    expect(results[2]).toMatchObject({ error: { code: "upload_incomplete", message: expect.stringContaining("7 of 7 parts") } });
    const row = await getFileItemById({ id, ownerId: session.user.id });
    expect(await sha256OfObject(row!.key)).toBe(createHash("sha256").update(data).digest("hex"));
    expect((await getFileItemById({ id: unsent.id, ownerId: session.user.id }))!.status).toBe("pending");
    // The single route answers the same file the same way once it is uploaded.
    expect((await (await complete(session, id)).json()).file).toEqual((results[0] as { file: unknown }).file);
  }, 120_000);
});
