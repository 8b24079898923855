import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DELETE as deleteFileRoute } from "@/app/api/files/[id]/route";
import { GET as downloadRoute } from "@/app/api/files/[id]/download/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { GET as settingsRoute } from "@/app/api/uploads/settings/route";
import { DELETE as cancelUpload } from "@/app/api/uploads/[id]/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { getFileItemById } from "@/db/queries/file-items";
import type { CreateUploadResponse, CreateUploadsResponse, PostUploadTarget, UploadSettings } from "@/lib/contracts/upload-schemas";
import { getEnv } from "@/server/env";
import { cleanupStaleUploads } from "@/server/ops/cleanup";
import { headObject } from "@/server/storage/objects";
import { createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { PNG_SIGNATURE, startingWith } from "../testing/file-signatures";
import { sha256OfObject, userObjectKeys } from "../testing/s3-direct";
import { withAbilities } from "../testing/store-abilities";

/**
 * Small files by POST form bound to the file's SHA-256 (S3_POST_CHECKSUM, a create that carries
 * `sha256`), against the real store, which checks the body against the form's checksum field: the
 * form names the final key, can write only those bytes, ever, and complete checks them where they
 * are served with nothing to copy. The guarantee the staging design gives (tests/hardening-storage)
 * holds here by the store's refusal: no form can replace the bytes complete checked.
 */

type Session = Awaited<ReturnType<typeof createSignedInUser>>;

const png = (size: number, fill = 7) => startingWith(PNG_SIGNATURE, size, fill);
const html = (size: number) => {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(new TextEncoder().encode("<!doctype html><script>steal()</script>"));
  return bytes;
};
const sha256Base64 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");
const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Posts straight to the store as the page does: the signed fields (some replaced or dropped), then the file. */
async function post(upload: PostUploadTarget, bytes: Uint8Array, fields: Record<string, string | null> = {}): Promise<{ status: number; body: string }> {
  const form = new FormData();
  const sent: Record<string, string> = { ...upload.fields };
  for (const [name, value] of Object.entries(fields)) {
    if (value === null) delete sent[name];
    else sent[name] = value;
  }
  for (const [name, value] of Object.entries(sent)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  const res = await fetch(upload.url, { method: "POST", body: form });
  return { status: res.status, body: await res.text() };
}

async function create(s: Session, bytes: Uint8Array, file: { name?: string; type?: string; sha256?: string | null; idempotencyKey?: string } = {}) {
  const sha256 = file.sha256 === null ? undefined : (file.sha256 ?? sha256Base64(bytes));
  const body = { name: file.name ?? "photo.png", size: bytes.length, type: file.type ?? "image/png", ...(sha256 ? { sha256 } : {}), ...(file.idempotencyKey ? { idempotencyKey: file.idempotencyKey } : {}) };
  return createUpload(jsonRequest("/api/uploads", { cookie: s.cookie, body }));
}

async function created(s: Session, bytes: Uint8Array, file: { name?: string; type?: string; sha256?: string | null } = {}) {
  const res = await create(s, bytes, file);
  expect(res.status).toBe(201);
  const answer = (await res.json()) as CreateUploadResponse;
  expect(answer.upload.strategy).toBe("post");
  return { file: answer.file, upload: answer.upload as PostUploadTarget };
}

/** Creates the file item and posts its bytes as the page does, which the store takes (204). */
async function createdAndPosted(s: Session, bytes: Uint8Array) {
  const made = await created(s, bytes);
  expect((await post(made.upload, bytes)).status).toBe(204);
  return made;
}

const complete = (s: Session, id: string) => completeUpload(jsonRequest(`/api/uploads/${id}/complete`, { method: "POST", cookie: s.cookie }), routeParams({ id }));
const cancel = (s: Session, id: string) => cancelUpload(jsonRequest(`/api/uploads/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
const deleteFile = (s: Session, id: string) => deleteFileRoute(jsonRequest(`/api/files/${id}`, { method: "DELETE", cookie: s.cookie }), routeParams({ id }));
const row = async (s: Session, id: string) => (await getFileItemById({ id, ownerId: s.user.id }))!;
const stagingKey = (s: Session, id: string) => `staging/${s.user.id}/${id}`;

async function served(s: Session, id: string): Promise<string> {
  const res = await downloadRoute(jsonRequest(`/api/files/${id}/download`, { cookie: s.cookie }), routeParams({ id }));
  expect(res.status).toBe(302);
  return sha256Hex(new Uint8Array(await (await fetch(res.headers.get("location")!)).arrayBuffer()));
}

describe("GET /api/uploads/settings", () => {
  it.each([
    [true, "sha256"],
    [false, null],
  ] as const)("with S3_POST_CHECKSUM %s, says forms bind a file's SHA-256: %s", async (postChecksum, formChecksum) => {
    const env = getEnv();
    const saved = env.storeAbilities;
    env.storeAbilities = { ...saved, smallUploads: "post", postChecksum };
    try {
      const { cookie } = await createSignedInUser();
      const res = await settingsRoute(jsonRequest("/api/uploads/settings", { cookie }));
      expect((await res.json()) as UploadSettings).toEqual({ smallUploads: "post", singleRequestMaxBytes: env.MULTIPART_THRESHOLD_BYTES, formChecksum });
    } finally {
      env.storeAbilities = saved;
    }
  });
});

describe("a POST form bound to the file's SHA-256, where the store checks it", () => {
  withAbilities({ smallUploads: "post", postChecksum: true });

  it("names the final key, binds the SHA-256, and complete checks the bytes there: nothing staged, nothing copied, the checksum recorded", async () => {
    const s = await createSignedInUser();
    const bytes = png(1_000);
    const { file, upload } = await created(s, bytes);
    const { key } = await row(s, file.id);
    expect(upload.fields).toMatchObject({ key, "Content-Type": "image/png", "x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": sha256Base64(bytes) });

    expect((await post(upload, bytes)).status).toBe(204);
    expect(await headObject(key)).toMatchObject({ size: 1_000, contentType: "image/png" });
    expect(await headObject(stagingKey(s, file.id))).toBeNull();

    const res = await complete(s, file.id);
    expect(res.status).toBe(200);
    expect((await res.json()).file).toMatchObject({ id: file.id, status: "uploaded", size: 1_000, checksum: `SHA256:${sha256Base64(bytes)}` });
    expect(await served(s, file.id)).toBe(sha256Hex(bytes));
    expect(await userObjectKeys(s.user.id)).toEqual([key]);
  });

  it("once complete has answered, the form can change nothing: other bytes are refused by the store, the same bytes change nothing", async () => {
    const s = await createSignedInUser();
    const checked = png(64, 1);
    const { file, upload } = await createdAndPosted(s, checked);
    expect((await complete(s, file.id)).status).toBe(200);

    // The same form, still within its expiry, with other bytes of the same size and type.
    const other = await post(upload, png(64, 2));
    expect(other.status).toBe(400);
    expect(other.body).toMatch(/Checksum|BadDigest/i);
    expect(await served(s, file.id)).toBe(sha256Hex(checked));
    // Sent again as it was (its answer lost, say): the same bytes, so the same file.
    expect((await post(upload, checked)).status).toBe(204);
    expect(await served(s, file.id)).toBe(sha256Hex(checked));

    await cleanupStaleUploads();
    expect(await userObjectKeys(s.user.id)).toEqual([(await row(s, file.id)).key]);
  });

  it.each([
    ["other bytes than the SHA-256 bound", (bytes: Uint8Array) => ({ body: png(bytes.length, 9), fields: {} })],
    ["other bytes with their own SHA-256 in the form", (bytes: Uint8Array) => ({ body: png(bytes.length, 9), fields: { "x-amz-checksum-sha256": sha256Base64(png(bytes.length, 9)) } })],
    ["no checksum fields", (bytes: Uint8Array) => ({ body: png(bytes.length, 9), fields: { "x-amz-checksum-sha256": null, "x-amz-checksum-algorithm": null } })],
    ["one byte more than signed", (bytes: Uint8Array) => ({ body: png(bytes.length + 1), fields: {} })],
    ["another Content-Type", (bytes: Uint8Array) => ({ body: bytes, fields: { "Content-Type": "text/html" } })],
  ])("the store refuses %s, and nothing is stored", async (_label, change) => {
    const s = await createSignedInUser();
    const bytes = png(100);
    const { file, upload } = await created(s, bytes);
    const { body, fields } = change(bytes);
    const res = await post(upload, body, fields);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await headObject((await row(s, file.id)).key)).toBeNull();
    const done = await complete(s, file.id);
    expect(done.status).toBe(409);
    expect((await done.json()).error.code).toBe("upload_incomplete");
  });

  it("the store refuses the form for another key", async () => {
    const s = await createSignedInUser();
    const bytes = png(100);
    const { file, upload } = await created(s, bytes);
    const other = `u/${s.user.id}/${crypto.randomUUID()}.png`;
    expect((await post(upload, bytes, { key: other })).status).toBe(403);
    expect(await headObject(other)).toBeNull();
    expect(await headObject((await row(s, file.id)).key)).toBeNull();
  });

  it("a malformed sha256 is refused (400 naming it); without one the form names the staging key and complete copies, as before", async () => {
    const s = await createSignedInUser();
    const bad = await create(s, png(100), { sha256: "not-a-sha" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/^sha256: /) });

    const bytes = png(100);
    const { file, upload } = await created(s, bytes, { sha256: null });
    expect(upload.fields.key).toBe(stagingKey(s, file.id));
    expect(upload.fields["x-amz-checksum-sha256"]).toBeUndefined();
    expect((await post(upload, bytes)).status).toBe(204);
    const res = await complete(s, file.id);
    expect(res.status).toBe(200);
    expect((await res.json()).file).toMatchObject({ status: "uploaded", checksum: null });
    expect(await served(s, file.id)).toBe(sha256Hex(bytes));
  });

  it("a create retried with its idempotency key gets the same file item and a form for the same bytes; with another sha256 it is a 409", async () => {
    const s = await createSignedInUser();
    const bytes = png(50);
    const idempotencyKey = "post-sha-retry-0123456789";
    const [first, again] = [await create(s, bytes, { idempotencyKey }), await create(s, bytes, { idempotencyKey })];
    expect([first.status, again.status]).toEqual([201, 201]);
    const [a, b] = (await Promise.all([first.json(), again.json()])) as CreateUploadResponse[];
    expect(b!.file.id).toBe(a!.file.id);
    expect((b!.upload as PostUploadTarget).fields["x-amz-checksum-sha256"]).toBe(sha256Base64(bytes));
    expect((await create(s, bytes, { idempotencyKey, sha256: sha256Base64(png(50, 1)) })).status).toBe(409);
    expect((await create(s, bytes, { idempotencyKey, sha256: null })).status).toBe(409);
  });

  it("a batch create binds each file's own SHA-256; a file sent without one gets a staged form", async () => {
    const s = await createSignedInUser();
    const contents = [png(10, 1), png(11, 2)];
    const files = contents.map((bytes, i) => ({ name: `p${i}.png`, size: bytes.length, type: "image/png", sha256: sha256Base64(bytes) }));
    const res = await createBatch(jsonRequest("/api/uploads/batch", { cookie: s.cookie, body: { files: [...files, { name: "plain.png", size: 12, type: "image/png" }] } }));
    const { results } = (await res.json()) as CreateUploadsResponse;
    expect(results.map((result) => result.status)).toEqual([201, 201, 201]);
    const forms = results.map((result) => (result as { upload: PostUploadTarget }).upload.fields);
    expect(forms.map((fields) => fields["x-amz-checksum-sha256"])).toEqual([...files.map((file) => file.sha256), undefined]);
    expect(forms[2]!.key).toMatch(/^staging\//);
  });

  it("HTML declared as PNG is rejected (415) and removed; the form, still alive, may write the same bytes again, never served, and cleanup removes them", async () => {
    const s = await createSignedInUser();
    const bytes = html(200);
    const { file, upload } = await createdAndPosted(s, bytes);
    expect((await complete(s, file.id)).status).toBe(415);
    const { key, status } = await row(s, file.id);
    expect(status).toBe("rejected");
    expect(await headObject(key)).toBeNull();

    expect((await post(upload, bytes)).status).toBe(204);
    expect((await complete(s, file.id)).status).toBe(409);
    await cleanupStaleUploads();
    expect(await userObjectKeys(s.user.id)).toEqual([]);
  });

  it.each([
    ["cancelled before its POST", async (s: Session, id: string) => expect((await cancel(s, id)).status).toBe(204), false],
    ["deleted from the library", async (s: Session, id: string) => {
      expect((await complete(s, id)).status).toBe(200);
      expect((await deleteFile(s, id)).status).toBe(204);
    }, true],
  ])("%s, then its form posted again: never served, and cleanup removes it", async (_label, end, postFirst) => {
    const s = await createSignedInUser();
    const bytes = png(80);
    const { file, upload } = postFirst ? await createdAndPosted(s, bytes) : await created(s, bytes);
    await end(s, file.id);
    expect((await post(upload, bytes)).status).toBe(204);
    expect(["aborted", "deleted"]).toContain((await row(s, file.id)).status);
    expect((await complete(s, file.id)).status).toBeGreaterThanOrEqual(400);
    await cleanupStaleUploads();
    expect(await userObjectKeys(s.user.id)).toEqual([]);
  });

  it("cancel racing complete, 20 rounds: one wins, and what is stored agrees with it", async () => {
    const s = await createSignedInUser();
    const kept: string[] = [];
    for (let round = 0; round < 20; round++) {
      const bytes = png(300, round);
      const { file } = await createdAndPosted(s, bytes);
      const [done, cancelled] = await Promise.all([complete(s, file.id), cancel(s, file.id)]);
      const { key, status } = await row(s, file.id);
      if (status === "uploaded") {
        expect([done.status, cancelled.status]).toEqual([200, 409]);
        expect(await sha256OfObject(key)).toBe(sha256Hex(bytes));
        kept.push(key);
      } else {
        expect(status).toBe("aborted");
        expect([done.status, cancelled.status]).toEqual([409, 204]);
        expect(await headObject(key)).toBeNull();
      }
    }
    await cleanupStaleUploads();
    expect((await userObjectKeys(s.user.id)).sort()).toEqual(kept.sort());
  });
});

describe("where the store does not check a form's checksum (S3_POST_CHECKSUM=false)", () => {
  withAbilities({ smallUploads: "post", postChecksum: false });

  it("a create's sha256 is ignored: the form names the staging key and binds no checksum", async () => {
    const s = await createSignedInUser();
    const bytes = png(100);
    const { file, upload } = await created(s, bytes);
    expect(upload.fields.key).toBe(stagingKey(s, file.id));
    expect(upload.fields["x-amz-checksum-sha256"]).toBeUndefined();
    expect((await row(s, file.id)).checksum).toBeNull();
    expect((await post(upload, bytes)).status).toBe(204);
    expect((await complete(s, file.id)).status).toBe(200);
    expect(await served(s, file.id)).toBe(sha256Hex(bytes));
  });
});
