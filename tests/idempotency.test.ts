import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { createFileItem, setFileUploadId } from "@/db/queries/file-items";
import { fileItems } from "@/db/schema";
import { newIdempotencyKey } from "@/client/api/idempotency-key";
import { MIB } from "@/lib/units";
import type { CreateUploadsResponse, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { withPostForms } from "../testing/store-abilities";

type Body = { name: string; size: number; type: string; path?: string; idempotencyKey?: string };

const create = (cookie: string, body: Body) => createUpload(jsonRequest("/api/uploads", { cookie, body }));

async function rows(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(fileItems).where(and(eq(fileItems.userId, userId)));
  return row!.n;
}

async function post(upload: PostUploadTarget, bytes: Uint8Array) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  return (await fetch(upload.url, { method: "POST", body: form })).status;
}

const png = (size: number, idempotencyKey = newIdempotencyKey()): Body => ({ name: "a.png", size, type: "image/png", idempotencyKey });

withPostForms();

describe("idempotency keys on create", () => {
  it("a repeated create (its first answer lost) returns the same file item with a policy that works", async () => {
    const { cookie, user } = await createSignedInUser();
    const body = png(10);
    const first = await create(cookie, body);
    const again = await create(cookie, body);
    expect([first.status, again.status]).toEqual([201, 201]);
    const [a, b] = await Promise.all([first.json(), again.json()]);
    expect(b.file.id).toBe(a.file.id);
    expect(await rows(user.id)).toBe(1);
    expect(await post(b.upload, startingWith(PNG_SIGNATURE, 10, 1))).toBe(204);
    const done = await completeUpload(jsonRequest(`/api/uploads/${a.file.id}/complete`, { method: "POST", cookie }), routeParams({ id: a.file.id }));
    expect((await done.json()).file).toMatchObject({ id: a.file.id, status: "uploaded", size: 10 });
  });

  it("two concurrent creates with one key make one file item", async () => {
    const { cookie, user } = await createSignedInUser();
    const body = png(10);
    const answers = await Promise.all([create(cookie, body), create(cookie, body), create(cookie, body)]);
    const ids = await Promise.all(answers.map(async (res) => (expect(res.status).toBe(201), (await res.json()).file.id)));
    expect(new Set(ids).size).toBe(1);
    expect(await rows(user.id)).toBe(1);
  });

  it("returns a multipart upload as it stands, without starting another", async () => {
    const { cookie, user } = await createSignedInUser();
    const body: Body = { name: "big.mp4", size: 200 * MIB, type: "video/mp4", idempotencyKey: newIdempotencyKey() };
    const [a, b] = await Promise.all([(await create(cookie, body)).json(), (await create(cookie, body)).json()]);
    expect(b).toEqual(a);
    expect(a.upload.strategy).toBe("multipart");
    expect(await rows(user.id)).toBe(1);
  });

  it("refuses a key reused for another file, or for an upload no longer pending, with 409 and no new file item", async () => {
    const { cookie, user } = await createSignedInUser();
    const body = png(10);
    const { file, upload } = await (await create(cookie, body)).json();
    const other = await create(cookie, { ...body, size: 11 });
    expect(other.status).toBe(409);
    expect((await other.json()).error.code).toBe("conflict");
    await post(upload, startingWith(PNG_SIGNATURE, 10, 1));
    await completeUpload(jsonRequest(`/api/uploads/${file.id}/complete`, { method: "POST", cookie }), routeParams({ id: file.id }));
    const late = await create(cookie, body);
    expect(late.status).toBe(409);
    expect(await rows(user.id)).toBe(1);
  });

  it("refuses a key reused for the same name in another folder (or none) with 409, single and batch", async () => {
    const { cookie, user } = await createSignedInUser();
    const body: Body = { ...png(10), path: "Holiday/Day 1" };
    const { file } = await (await create(cookie, body)).json();
    for (const other of [{ ...body, path: "Holiday/Day 2" }, { ...body, path: "holiday/day 1" }, { ...body, path: undefined }]) {
      const res = await create(cookie, other);
      expect(res.status).toBe(409);
      expect((await res.json()).error).toMatchObject({ code: "conflict", message: "This idempotency key was used for another file." });
    }
    const batch = await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files: [{ ...body, path: "Work" }, body] } }));
    const { results } = (await batch.json()) as CreateUploadsResponse;
    expect(results.map((r) => r.status)).toEqual([409, 201]);
    expect("file" in results[1]! && results[1].file).toMatchObject({ id: file.id, path: "Holiday/Day 1" });
    // The same folder in another Unicode form is the same path: stored NFC, so the retry matches.
    const nfc = { ...png(10), path: "Caf\u00e9" };
    const first = await (await create(cookie, nfc)).json();
    const nfd = await create(cookie, { ...nfc, path: "Cafe\u0301" });
    expect(nfd.status).toBe(201);
    expect((await nfd.json()).file).toMatchObject({ id: first.file.id, path: "Caf\u00e9" });
    expect(await rows(user.id)).toBe(2);
  });

  it("keys belong to their user: another user's same key makes their own file item", async () => {
    const a = await createSignedInUser();
    const b = await createSignedInUser();
    const body = png(10);
    const [first, second] = await Promise.all([(await create(a.cookie, body)).json(), (await create(b.cookie, body)).json()]);
    expect(second.file.id).not.toBe(first.file.id);
  });

  it("a repeated batch returns the same file items, and only its new files add file items", async () => {
    const { cookie, user } = await createSignedInUser();
    const files = [png(1), png(2), png(3)];
    const batch = async (list: Body[]) =>
      ((await (await createBatch(jsonRequest("/api/uploads/batch", { cookie, body: { files: list } }))).json()) as CreateUploadsResponse).results;
    const first = await batch(files);
    const again = await batch([...files, png(4)]);
    const ids = (results: CreateUploadsResponse["results"]) => results.map((r) => ("file" in r ? r.file.id : r.error.code));
    expect(ids(again).slice(0, 3)).toEqual(ids(first));
    expect(await rows(user.id)).toBe(4);
    // Within one batch too: the second file with a key the first used is that same file item.
    const twice = await batch([png(5, "k".repeat(20)), png(5, "k".repeat(20))]);
    expect(ids(twice)[0]).toBe(ids(twice)[1]);
    expect(await rows(user.id)).toBe(5);
  });
});

describe("a retry that overtakes its own multipart start", () => {
  /** The file item the first request stored before S3 answered CreateMultipartUpload: pending, no UploadId yet. */
  async function starting(userId: string, idempotencyKey: string) {
    const id = randomUUID();
    return createFileItem({
      id,
      userId,
      name: "big.mp4",
      key: `u/${userId}/${id}.mp4`,
      size: 200 * MIB,
      contentType: "video/mp4",
      strategy: "multipart",
      partSize: 16 * MIB,
      idempotencyKey,
    });
  }
  const body = (idempotencyKey: string): Body => ({ name: "big.mp4", size: 200 * MIB, type: "video/mp4", idempotencyKey });

  it("waits for the first request to start it, then answers with that upload", async () => {
    const { cookie, user } = await createSignedInUser();
    const key = newIdempotencyKey();
    const row = await starting(user.id, key);
    setTimeout(() => void setFileUploadId({ id: row.id, uploadId: "first-request-upload-id", partChecksum: "crc32" }), 500);
    const res = await create(cookie, body(key));
    expect(res.status).toBe(201);
    const answer = await res.json();
    expect(answer.file.id).toBe(row.id);
    expect(answer.upload).toMatchObject({ strategy: "multipart", partSize: 16 * MIB, partCount: 13 });
    expect(await rows(user.id)).toBe(1);
  });

  it("answers 409 when the first request never finishes starting it", async () => {
    const { cookie, user } = await createSignedInUser();
    const key = newIdempotencyKey();
    await starting(user.id, key);
    const res = await create(cookie, body(key));
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("conflict");
    expect(await rows(user.id)).toBe(1);
  }, 15_000);
});
