import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DELETE as deleteFileRoute } from "@/app/api/files/[id]/route";
import { GET as downloadRoute } from "@/app/api/files/[id]/download/route";
import { DELETE as cancelRoute } from "@/app/api/uploads/[id]/route";
import { POST as completeRoute } from "@/app/api/uploads/[id]/complete/route";
import { POST as completeBatchRoute } from "@/app/api/uploads/batch/complete/route";
import { POST as signPartsRoute } from "@/app/api/uploads/[id]/parts/route";
import { POST as partsDoneRoute } from "@/app/api/uploads/[id]/parts/done/route";
import { getDb } from "@/db";
import { getFileItemById } from "@/db/queries/file-items";
import { fileItems } from "@/db/schema";
import { crc32Base64 } from "@/client/hashing/checksum";
import { getEnv } from "@/server/env";
import type { CompleteUploadsResponse, PostUploadTarget, SignPartsResponse, UploadTarget } from "@/lib/contracts/upload-schemas";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { checkConsistency, isConsistent } from "@/server/ops/consistency";
import { copyObjectIfMatch, headObject, readObjectStart } from "@/server/storage/objects";
import { createUpload, planUpload } from "@/server/uploads/create";
import { MP4_FTYP_HEADER } from "../testing/file-signatures";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { sha256OfObject, userObjectKeys } from "../testing/s3-direct";
import { withPostForms } from "../testing/store-abilities";

type Session = Awaited<ReturnType<typeof createSignedInUser>>;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52];
/** A small PNG-looking file; `fill` makes two of them differ. */
const png = (size: number, fill: number) => new Uint8Array([...PNG_SIGNATURE, ...new Array(size - PNG_SIGNATURE.length).fill(fill)]);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * A file item and its signed form, made through the server functions the create route calls (the rate
 * limit of the route would stop the race loops, which create hundreds of uploads for one user).
 */
async function create(session: Session, file: { name: string; size: number; type: string }): Promise<{ id: string; upload: UploadTarget }> {
  const { item, upload } = await createUpload(planUpload(session.user.id, file));
  return { id: item.id, upload };
}

/** Posts straight to MinIO the way the browser does: the signed fields first, the file last. */
async function post(upload: UploadTarget, bytes: Uint8Array): Promise<number> {
  const target = upload as PostUploadTarget;
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const res = await fetch(target.url, { method: "POST", body: form });
  await res.arrayBuffer();
  return res.status;
}

/** A POST upload whose bytes have reached storage, ready to complete. */
async function posted(session: Session, bytes: Uint8Array) {
  const { id, upload } = await create(session, { name: "a.png", size: bytes.length, type: "image/png" });
  expect(await post(upload, bytes)).toBe(204);
  return { id, upload };
}

const complete = (s: Session, id: string) => completeRoute(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: s.cookie }), routeParams({ id }));
const cancel = (s: Session, id: string) => cancelRoute(jsonRequest(`/api/uploads/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
const remove = (s: Session, id: string) => deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));

async function expectCleanAfterCleanup(userId: string): Promise<void> {
  await cleanupStaleUploads();
  const report = await checkConsistency(`u/${userId}/`);
  expect(report.missingObjects).toEqual([]);
  expect(report.orphanObjects).toEqual([]);
  expect(isConsistent(report)).toBe(true);
}

/** Never an `uploaded` file item without its object (exactly the bytes posted), nor a file item stuck completing. */
async function expectRowConsistent(session: Session, id: string, bytes: Uint8Array) {
  const row = (await getFileItemById({ id, ownerId: session.user.id }))!;
  expect(row.status).not.toBe("completing");
  if (row.status === "uploaded") expect(await sha256OfObject(row.key)).toBe(sha256(bytes));
  return row;
}

withPostForms();

describe("once complete has answered 200, no issued form can change the file", () => {
  it("a re-POST of the same signed form with other bytes leaves the served object as checked", async () => {
    const session = await createSignedInUser();
    const checked = png(64, 1);
    const { id, upload } = await posted(session, checked);
    expect((await complete(session, id)).status).toBe(200);

    // The same form, still within its expiry, with other bytes of the same size and type.
    expect(await post(upload, png(64, 2))).toBe(204);
    const row = (await getFileItemById({ id, ownerId: session.user.id }))!;
    expect(await sha256OfObject(row.key)).toBe(sha256(checked));
    const download = await downloadRoute(jsonRequest(`/api/files/${id}/download`, { cookie: session.cookie }), routeParams({ id }));
    expect(download.status).toBe(302);
    const served = new Uint8Array(await (await fetch(download.headers.get("location")!)).arrayBuffer());
    expect(sha256(served)).toBe(sha256(checked));

    // The late bytes sit at the staging key until cleanup removes them.
    await expectCleanAfterCleanup(session.user.id);
    expect(await userObjectKeys(session.user.id)).toEqual([row.key]);
  });

  it("a multipart part URL is useless once complete has answered: S3 no longer knows the upload", async () => {
    const env = getEnv();
    const threshold = env.MULTIPART_THRESHOLD_BYTES;
    env.MULTIPART_THRESHOLD_BYTES = 0; // a one-part multipart upload of a small file
    try {
      const session = await createSignedInUser();
      const data = Buffer.concat([MP4_FTYP_HEADER, Buffer.alloc(1000, 7)]);
      const { id } = await create(session, { name: "clip.mp4", size: data.length, type: "video/mp4" });
      const checksum = await crc32Base64(data);
      const signed = await signPartsRoute(jsonRequest(`/api/uploads/${id}/parts`, { cookie: session.cookie, body: { partNumbers: [1], checksums: { "1": checksum } } }), routeParams({ id }));
      const [part] = ((await signed.json()) as SignPartsResponse).parts;
      const put = () => fetch(part!.url, { method: "PUT", body: data, headers: { "x-amz-checksum-crc32": checksum } });
      const first = await put();
      expect(first.status).toBe(200);
      const report = { parts: [{ partNumber: 1, etag: first.headers.get("etag")!, checksum }] };
      expect((await partsDoneRoute(jsonRequest(`/api/uploads/${id}/parts/done`, { cookie: session.cookie, body: report }), routeParams({ id }))).status).toBe(204);
      expect((await complete(session, id)).status).toBe(200);

      const again = await put();
      expect(again.status).toBe(404);
      expect(await again.text()).toContain("NoSuchUpload");
      const row = (await getFileItemById({ id, ownerId: session.user.id }))!;
      expect(await sha256OfObject(row.key)).toBe(sha256(data));
    } finally {
      env.MULTIPART_THRESHOLD_BYTES = threshold;
    }
  });
});

describe("an upload that ended keeps no object once cleanup has run", () => {
  it.each([
    ["cancelled", async (s: Session, id: string) => expect((await cancel(s, id)).status).toBe(204)],
    [
      "rejected at complete (415)",
      async (s: Session, id: string, upload: UploadTarget) => {
        // Replace the bytes with markup before complete: the content check refuses them.
        expect(await post(upload, new TextEncoder().encode("<!doctype html><p>".padEnd(64, "x")))).toBe(204);
        expect((await complete(s, id)).status).toBe(415);
      },
    ],
    [
      "deleted from the library",
      async (s: Session, id: string) => {
        expect((await complete(s, id)).status).toBe(200);
        expect((await remove(s, id)).status).toBe(204);
      },
    ],
  ])("%s, then its form posted again", async (_label, end) => {
    const session = await createSignedInUser();
    const { id, upload } = await posted(session, png(64, 3));
    await end(session, id, upload);
    expect(await post(upload, png(64, 4))).toBe(204);

    await expectCleanAfterCleanup(session.user.id);
    expect(await userObjectKeys(session.user.id)).toEqual([]);
    // Neither does a quota or a listing see it.
    expect(["aborted", "rejected", "deleted"]).toContain((await getFileItemById({ id, ownerId: session.user.id }))!.status);
  });
});

const ROUNDS = 50;

/** Runs `round` ROUNDS times for one user, then cleanup: nothing may be left outside a file item. */
async function raceLoop(round: (session: Session, index: number) => Promise<void>) {
  const session = await createSignedInUser();
  for (let i = 0; i < ROUNDS; i++) await round(session, i);
  await expectCleanAfterCleanup(session.user.id);
  const rows = await (await getDb()).select().from(fileItems).where(eq(fileItems.userId, session.user.id));
  const kept = new Set(rows.filter((r) => r.status === "uploaded").map((r) => r.key));
  expect((await userObjectKeys(session.user.id)).sort()).toEqual([...kept].sort());
}

/** Starts `fn` after a few milliseconds that vary by round, so either side of a race gets to win. */
const after = <T>(round: number, fn: () => Promise<T>) => new Promise<T>((resolve, reject) => setTimeout(() => fn().then(resolve, reject), (round % 10) * 4));

type Answer = { status: number; code: string | null };
const statusOf = async (res: Response): Promise<Answer> => ({ status: res.status, code: res.status >= 400 ? ((await res.json()) as { error: { code: string } }).error.code : null });

/** The file's answer from POST /api/uploads/batch/complete, which completes pending uploads together (server/uploads/complete.ts). */
async function completeInBatch(session: Session, id: string): Promise<Answer> {
  const res = await completeBatchRoute(jsonRequest("/api/uploads/batch/complete", { cookie: session.cookie, body: { ids: [id] } }));
  expect(res.status).toBe(200);
  const [own] = ((await res.json()) as CompleteUploadsResponse).results;
  return { status: own!.status, code: "error" in own! ? own.error.code : null };
}

describe.each([
  ["POST /api/uploads/{id}/complete", (session: Session, id: string) => complete(session, id).then(statusOf)],
  ["POST /api/uploads/batch/complete", completeInBatch],
])("racing operations on one file end consistent (50 rounds each against the store), completed through %s", (_route, completeStatus) => {
  it("complete vs cancel: one wins, the other answers 409", async () => {
    await raceLoop(async (session, i) => {
      const bytes = png(40, i);
      const { id } = await posted(session, bytes);
      const [done, cancelled] = await Promise.all([completeStatus(session, id), after(i, () => cancel(session, id)).then(statusOf)]);
      const row = await expectRowConsistent(session, id, bytes);
      if (row.status === "uploaded") {
        expect(done.status).toBe(200);
        expect(cancelled.status).toBe(409);
      } else {
        expect(row.status).toBe("aborted");
        expect(cancelled.status).toBe(204);
        expect(done.status).toBe(409);
        expect(await headObject(row.key)).toBeNull();
      }
    });
  });

  it("complete vs delete: the delete of a file not yet uploaded is a 404; never a file without its object", async () => {
    await raceLoop(async (session, i) => {
      const bytes = png(40, i);
      const { id } = await posted(session, bytes);
      const [done, removed] = await Promise.all([completeStatus(session, id), after(i, () => remove(session, id)).then(statusOf)]);
      expect(done.status).toBe(200);
      expect([204, 404]).toContain(removed.status);
      const row = await expectRowConsistent(session, id, bytes);
      expect(row.status).toBe(removed.status === 204 ? "deleted" : "uploaded");
      if (row.status === "deleted") expect(await headObject(row.key)).toBeNull();
    });
  });

  it("complete vs cleanup of the same (stale) upload: one wins", async () => {
    const db = await getDb();
    await raceLoop(async (session, i) => {
      const bytes = png(40, i);
      const { id } = await posted(session, bytes);
      await db.update(fileItems).set({ createdAt: new Date(Date.now() - 25 * 3_600_000) }).where(eq(fileItems.id, id));
      const [done] = await Promise.all([completeStatus(session, id), after(i, () => cleanupStaleUploads())]);
      const row = await expectRowConsistent(session, id, bytes);
      if (row.status === "uploaded") expect(done.status).toBe(200);
      else {
        expect(row.status).toBe("aborted");
        expect(done.status).toBe(409);
        expect(await headObject(row.key)).toBeNull();
      }
    });
  });

  it("two completes: both answer the one outcome (or the loser 409), the file is stored once", async () => {
    await raceLoop(async (session, i) => {
      const bytes = png(40, i);
      const { id } = await posted(session, bytes);
      const answers = await Promise.all([completeStatus(session, id), after(i, () => complete(session, id)).then(statusOf)]);
      expect(answers.map((a) => a.status)).toContain(200);
      for (const a of answers) expect([200, 409]).toContain(a.status);
      expect((await expectRowConsistent(session, id, bytes)).status).toBe("uploaded");
    });
  });

  it("delete vs delete: one 204, the other 404", async () => {
    await raceLoop(async (session, i) => {
      const bytes = png(40, i);
      const { id } = await posted(session, bytes);
      expect((await complete(session, id)).status).toBe(200);
      const answers = await Promise.all([remove(session, id).then(statusOf), after(i, () => remove(session, id)).then(statusOf)]);
      expect(answers.map((a) => a.status).sort()).toEqual([204, 404]);
      const row = await expectRowConsistent(session, id, bytes);
      expect(row.status).toBe("deleted");
      expect(await headObject(row.key)).toBeNull();
    });
  });
});

describe("the completing state", () => {
  it("CopyObject with the ETag read refuses a staging object posted again in between (the store honours if-match)", async () => {
    const session = await createSignedInUser();
    const { id, upload } = await posted(session, png(64, 5));
    const row = (await getFileItemById({ id, ownerId: session.user.id }))!;
    const staging = (upload as PostUploadTarget).fields.key!;
    const read = (await readObjectStart(staging, 16))!;
    expect(await post(upload, png(64, 6))).toBe(204);
    expect(await copyObjectIfMatch({ source: staging, target: row.key, etag: read.etag! })).toBe(false);
    expect(await headObject(row.key)).toBeNull();
    // Complete reads the new version and copies exactly it.
    expect((await complete(session, id)).status).toBe(200);
    expect(await sha256OfObject(row.key)).toBe(sha256(png(64, 6)));
  });

  it("a complete that crashed leaves the file item completing: another complete answers 409 after waiting, cleanup gives it up after 15 minutes", async () => {
    const session = await createSignedInUser();
    const db = await getDb();
    const stuck = await posted(session, png(64, 7));
    const fresh = await posted(session, png(64, 8));
    await db.update(fileItems).set({ status: "completing" }).where(eq(fileItems.id, fresh.id));
    await db.update(fileItems).set({ status: "completing", updatedAt: new Date(Date.now() - 16 * 60_000) }).where(eq(fileItems.id, stuck.id));

    const waited = await complete(session, fresh.id);
    expect(waited.status).toBe(409);
    expect((await waited.json()).error.code).toBe("conflict");
    expect((await cancel(session, fresh.id)).status).toBe(409);

    await cleanupStaleUploads();
    expect((await getFileItemById({ id: stuck.id, ownerId: session.user.id }))!.status).toBe("aborted");
    expect((await getFileItemById({ id: fresh.id, ownerId: session.user.id }))!.status).toBe("completing");
    expect(await userObjectKeys(session.user.id)).toEqual([(fresh.upload as PostUploadTarget).fields.key]);
  });

  it("counts towards the quota like a pending upload", async () => {
    const env = getEnv();
    const quota = env.USER_QUOTA_BYTES;
    // A 64-byte POST upload counts 128 while its form lives: room for one, not two.
    env.USER_QUOTA_BYTES = 200;
    try {
      const session = await createSignedInUser();
      const { id } = await posted(session, png(64, 9));
      await (await getDb()).update(fileItems).set({ status: "completing" }).where(eq(fileItems.id, id));
      await expect(create(session, { name: "b.png", size: 64, type: "image/png" })).rejects.toMatchObject({ code: "quota_exceeded" });
    } finally {
      env.USER_QUOTA_BYTES = quota;
    }
  });
});
