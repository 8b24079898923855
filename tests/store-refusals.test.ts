import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { GET as getUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { POST as completeBatch } from "@/app/api/uploads/batch/complete/route";
import { POST as signParts } from "@/app/api/uploads/[id]/parts/route";
import { POST as partsDone } from "@/app/api/uploads/[id]/parts/done/route";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { fileItems } from "@/db/schema";
import { crc32Base64 } from "@/client/hashing/checksum";
import { getEnv, type Env } from "@/server/env";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { MIB } from "@/lib/units";
import type { CompleteUploadsResponse, CreateUploadsResponse, MultipartUploadTarget, PostUploadTarget, SignPartsResponse } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { MP4_FTYP_HEADER, PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { multipartUploadIds } from "../testing/s3-direct";
import { withPostForms } from "../testing/store-abilities";

/**
 * A store's refusal is never a 500: each failed S3 call answers 501 storage_unsupported, 502
 * storage_refused (the operation and the store's code in the message) or 503 storage_unavailable,
 * and the file item is left retryable or released, with what the store refused recorded on it.
 * Against the suite's real store (MinIO, or SeaweedFS with TEST_STORE=seaweedfs).
 */

type Session = Awaited<ReturnType<typeof createSignedInUser>>;
const cache = globalThis as unknown as { __s3?: unknown };

/** Runs `fn` with the app's S3 clients built from `change`d settings (server/storage/clients.ts caches them on globalThis). */
async function withStorageSettings<T>(change: Partial<Env>, fn: () => Promise<T>): Promise<T> {
  const env = getEnv();
  const saved = Object.fromEntries(Object.keys(change).map((key) => [key, env[key as keyof Env]]));
  Object.assign(env, change);
  cache.__s3 = undefined;
  try {
    return await fn();
  } finally {
    Object.assign(env, saved);
    cache.__s3 = undefined;
  }
}

/** The store refuses every request the server signs: its secret is not the store's. */
const withWrongSecret = <T>(fn: () => Promise<T>) => withStorageSettings({ S3_SECRET_ACCESS_KEY: "not-the-store-secret-0123456789" }, fn);

const create = (session: Session, body: { name: string; size: number; type: string }) =>
  createUpload(jsonRequest("/api/uploads", { cookie: session.cookie, body }));
const complete = (session: Session, id: string) =>
  completeUpload(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: session.cookie }), routeParams({ id }));
const row = (session: Session, id: string) => getFileItemById({ id, ownerId: session.user.id });

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

/** A small PNG stored through its signed form, as the browser posts it. */
async function postedPng(session: Session): Promise<string> {
  const res = await create(session, { name: "a.png", size: 100, type: "image/png" });
  expect(res.status).toBe(201);
  const { file, upload } = (await res.json()) as { file: { id: string }; upload: PostUploadTarget };
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([startingWith(PNG_SIGNATURE, 100, 1) as Uint8Array<ArrayBuffer>]));
  expect((await fetch(upload.url, { method: "POST", body: form })).status).toBe(204);
  return file.id;
}

/** A multipart upload of `size` bytes with every part stored (CRC32-checked) and reported, ready to complete. */
async function storedMultipart(session: Session, size: number): Promise<string> {
  const res = await create(session, { name: "big.mp4", size, type: "video/mp4" });
  expect(res.status).toBe(201);
  const { file, upload } = (await res.json()) as { file: { id: string }; upload: MultipartUploadTarget };
  const data = randomBytes(size);
  MP4_FTYP_HEADER.copy(data);
  const parts = Array.from({ length: upload.partCount }, (_, i) => data.subarray(i * upload.partSize, (i + 1) * upload.partSize));
  const checksums = Object.fromEntries(await Promise.all(parts.map(async (p, i) => [String(i + 1), await crc32Base64(p)] as const)));
  const numbers = parts.map((_, i) => i + 1);
  const signRequest = jsonRequest(`/api/uploads/${file.id}/parts`, { cookie: session.cookie, body: { partNumbers: numbers, checksums } });
  const signed = (await (await signParts(signRequest, routeParams({ id: file.id }))).json()) as SignPartsResponse;
  const reports = await Promise.all(
    signed.parts.map(async (part) => {
      const put = await fetch(part.url, { method: "PUT", body: parts[part.partNumber - 1]!, headers: { "x-amz-checksum-crc32": checksums[part.partNumber]! } });
      expect(put.status).toBe(200);
      return { partNumber: part.partNumber, etag: put.headers.get("etag")!, checksum: checksums[part.partNumber] };
    }),
  );
  const done = await partsDone(jsonRequest(`/api/uploads/${file.id}/parts/done`, { cookie: session.cookie, body: { parts: reports } }), routeParams({ id: file.id }));
  expect(done.status).toBe(204);
  return file.id;
}

withPostForms();

describe("a multipart completion the store refuses", () => {
  it("answers 502 storage_refused naming CompleteMultipartUpload and the store's code, keeps the file item pending with the refusal recorded, and completes once fixed", async () => {
    const session = await createSignedInUser();
    const id = await storedMultipart(session, 100 * MIB + 1);
    const db = await getDb();
    // The upload was created with CRC32; completing it as if its parts carried none is what the
    // stores refuse (SeaweedFS: InvalidRequest, MinIO: InvalidPart): the app's SeaweedFS bug.
    await db.update(fileItems).set({ partChecksum: "none" }).where(eq(fileItems.id, id));

    const refused = await errorOf(await complete(session, id));
    expect(refused).toMatchObject({ status: 502, code: "storage_refused" });
    expect(refused.message).toMatch(/^The file store refused CompleteMultipartUpload \((InvalidRequest|InvalidPart)\)\.$/);
    const pending = (await row(session, id))!;
    expect(pending).toMatchObject({ status: "pending", storageRefusal: expect.stringMatching(/^CompleteMultipartUpload: (InvalidRequest|InvalidPart)$/) });
    expect(await multipartUploadIds(pending.key)).toEqual([pending.uploadId]); // its parts stay for a retry, or for cleanup

    await db.update(fileItems).set({ partChecksum: "crc32" }).where(eq(fileItems.id, id));
    const res = await complete(session, id);
    expect(res.status).toBe(200);
    expect((await res.json()).file).toMatchObject({ id, status: "uploaded" });
    expect(await row(session, id)).toMatchObject({ status: "uploaded", storageRefusal: null });
  }, 120_000);

  it("is answered per file in a batch complete, and cleanup gives up on it once stale, keeping why", async () => {
    const session = await createSignedInUser();
    const id = await storedMultipart(session, 100 * MIB + 1);
    const png = await postedPng(session);
    const db = await getDb();
    await db.update(fileItems).set({ partChecksum: "none" }).where(eq(fileItems.id, id));

    const res = await completeBatch(jsonRequest("/api/uploads/batch/complete", { cookie: session.cookie, body: { ids: [id, png] } }));
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as CompleteUploadsResponse;
    expect(results[0]).toMatchObject({ status: 502, error: { code: "storage_refused", message: expect.stringContaining("CompleteMultipartUpload") } });
    expect(results[1]).toMatchObject({ status: 200, file: { id: png, status: "uploaded" } });

    const refused = (await row(session, id))!;
    await db.update(fileItems).set({ createdAt: new Date(Date.now() - (getEnv().STALE_UPLOAD_HOURS + 1) * 3_600_000) }).where(eq(fileItems.id, id));
    await cleanupStaleUploads();
    expect(await row(session, id)).toMatchObject({ status: "aborted", storageRefusal: refused.storageRefusal });
    expect(await multipartUploadIds(refused.key)).toEqual([]);
  }, 120_000);
});

describe("a store that refuses the server's requests (its secret is not the store's)", () => {
  it("a multipart create answers 502 naming CreateMultipartUpload; the file item is released (aborted, no quota held) with the refusal recorded", async () => {
    const session = await createSignedInUser();
    const res = await withWrongSecret(() => create(session, { name: "big.mp4", size: 200 * MIB, type: "video/mp4" }));
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 502, code: "storage_refused" });
    expect(error.message).toMatch(/^The file store refused CreateMultipartUpload \(\w+\)\.$/);
    const [item] = await (await getDb()).select().from(fileItems).where(eq(fileItems.userId, session.user.id));
    expect(item).toMatchObject({ status: "aborted", storageRefusal: expect.stringMatching(/^CreateMultipartUpload: \w+$/) });
  });

  it("a batch create answers that file alone 502, beside a small file whose form is signed", async () => {
    const session = await createSignedInUser();
    const files = [
      { name: "big.mp4", size: 200 * MIB, type: "video/mp4" },
      { name: "a.png", size: 100, type: "image/png" },
    ];
    const res = await withWrongSecret(() => createBatch(jsonRequest("/api/uploads/batch", { cookie: session.cookie, body: { files } })));
    const { results } = (await res.json()) as CreateUploadsResponse;
    expect(results.map((r) => r.status)).toEqual([502, 201]);
    expect(results[0]).toMatchObject({ error: { code: "storage_refused" } });
  });

  it("a small file's complete answers 502 and stays pending: completing again once the store takes the requests works", async () => {
    const session = await createSignedInUser();
    const id = await postedPng(session);
    const error = await errorOf(await withWrongSecret(() => complete(session, id)));
    expect(error).toMatchObject({ status: 502, code: "storage_refused" });
    expect(error.message).toMatch(/^The file store refused GetObject \(\w+\)\.$/);
    expect(await row(session, id)).toMatchObject({ status: "pending", storageRefusal: expect.stringMatching(/^GetObject: \w+$/) });

    const res = await complete(session, id);
    expect(res.status).toBe(200);
    expect(await row(session, id)).toMatchObject({ status: "uploaded", storageRefusal: null });
  });

  it("resuming a multipart upload (its stored parts) answers 502 naming ListParts", async () => {
    const session = await createSignedInUser();
    const created = await create(session, { name: "big.mp4", size: 200 * MIB, type: "video/mp4" });
    const { file } = (await created.json()) as { file: { id: string } };
    const res = await withWrongSecret(() => getUpload(jsonRequest(`/api/uploads/${file.id}`, { cookie: session.cookie }), routeParams({ id: file.id })));
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 502, code: "storage_refused" });
    expect(error.message).toMatch(/ListParts/);
    expect((await row(session, file.id))!.status).toBe("pending");
  });
});

describe("a store out of reach", () => {
  let closedPort = 0;
  beforeAll(async () => {
    // A port that refuses connections: listened on, then closed.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closedPort = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const unreachable = <T>(fn: () => Promise<T>) => withStorageSettings({ S3_ENDPOINT: `http://127.0.0.1:${closedPort}` }, fn);

  it("answers 503 storage_unavailable (retryable) and leaves the file item as it was", async () => {
    const session = await createSignedInUser();
    const id = await postedPng(session);
    const error = await errorOf(await unreachable(() => complete(session, id)));
    expect(error).toMatchObject({ status: 503, code: "storage_unavailable" });
    expect(error.message).toMatch(/^File storage is unavailable \(GetObject: \w+\); try again shortly\.$/);
    expect(await row(session, id)).toMatchObject({ status: "pending", storageRefusal: null });
    expect((await complete(session, id)).status).toBe(200);
  });
});
