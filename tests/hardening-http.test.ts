import { describe, expect, it } from "vitest";
import type { NextRequest } from "next/server";
import { POST as register } from "@/app/api/register/route";
import { POST as authPost } from "@/app/api/auth/[...nextauth]/route";
import { POST as createUpload } from "@/app/api/uploads/route";
import { POST as createBatch } from "@/app/api/uploads/batch/route";
import { POST as completeBatch } from "@/app/api/uploads/batch/complete/route";
import { POST as signParts } from "@/app/api/uploads/[id]/parts/route";
import { POST as partsDone } from "@/app/api/uploads/[id]/parts/done/route";
import { POST as partDone } from "@/app/api/uploads/[id]/parts/[n]/done/route";
import { POST as completeUpload } from "@/app/api/uploads/[id]/complete/route";
import { PATCH as renameFile } from "@/app/api/files/[id]/route";
import { POST as createToken } from "@/app/api/tokens/route";
import { getFileItemById } from "@/db/queries/file-items";
import { headObject } from "@/server/storage/objects";
import { signUploadPartUrls, storageBrowserOrigin } from "@/server/storage/part-urls";
import { signUploadPost } from "@/server/storage/post-policy";
import { AUTH_MAX_BODY_BYTES } from "@/server/http/body-limit";
import { DEFAULT_MAX_BODY_BYTES } from "@/server/http/parse";
import { COMPLETE_BATCH_MAX_BODY_BYTES, CREATE_BATCH_MAX_BODY_BYTES, type CreateUploadResponse, type PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { MIB } from "@/lib/units";
import { APP, createSignedInUser, jsonRequest, routeParams } from "../testing/requests";
import { withPostForms } from "../testing/store-abilities";

/** A JSON object of exactly `bytes` bytes that no route's schema accepts: `{"pad":"xx…"}`. */
function jsonOfSize(bytes: number): string {
  const frame = '{"pad":""}';
  return `{"pad":"${"x".repeat(bytes - frame.length)}"}`;
}

/** A body streamed without Content-Length (chunked), as long as the reader keeps pulling; counts what it handed out. */
function endlessBody(chunkBytes = 64 * 1024): { stream: ReadableStream<Uint8Array>; sent: () => number; cancelled: () => boolean } {
  let sent = 0;
  let cancelled = false;
  const chunk = new TextEncoder().encode("x".repeat(chunkBytes));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, sent: () => sent, cancelled: () => cancelled };
}

function chunkedRequest(path: string, stream: ReadableStream<Uint8Array>, cookie?: string, method = "POST"): Request {
  const headers = new Headers({ "content-type": "application/json", origin: APP });
  if (cookie) headers.set("cookie", cookie);
  return new Request(`${APP}${path}`, { method, headers, body: stream, duplex: "half" } as RequestInit);
}

async function expectTooLarge(res: Response): Promise<void> {
  expect(res.status).toBe(413);
  expect((await res.json()).error.code).toBe("payload_too_large");
}

type Call = (req: Request) => Promise<Response>;

/** Every JSON route, with its cap and a caller that owns what the path names. */
async function jsonRoutes(): Promise<Array<{ name: string; path: string; method: string; cap: number; call: Call; cookie: string }>> {
  const { cookie } = await createSignedInUser();
  const created = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "big.mp4", size: 200 * MIB, type: "video/mp4" } }));
  expect(created.status).toBe(201);
  const { file } = await created.json();
  const id = routeParams({ id: file.id });
  return [
    { name: "POST /api/register", path: "/api/register", method: "POST", cap: DEFAULT_MAX_BODY_BYTES, call: (req) => register(req), cookie },
    { name: "POST /api/uploads", path: "/api/uploads", method: "POST", cap: DEFAULT_MAX_BODY_BYTES, call: (req) => createUpload(req), cookie },
    { name: "POST /api/uploads/batch", path: "/api/uploads/batch", method: "POST", cap: CREATE_BATCH_MAX_BODY_BYTES, call: (req) => createBatch(req), cookie },
    { name: "POST /api/uploads/batch/complete", path: "/api/uploads/batch/complete", method: "POST", cap: COMPLETE_BATCH_MAX_BODY_BYTES, call: (req) => completeBatch(req), cookie },
    { name: "POST /api/uploads/{id}/parts", path: `/api/uploads/${file.id}/parts`, method: "POST", cap: DEFAULT_MAX_BODY_BYTES, call: (req) => signParts(req, id), cookie },
    { name: "POST /api/uploads/{id}/parts/done", path: `/api/uploads/${file.id}/parts/done`, method: "POST", cap: DEFAULT_MAX_BODY_BYTES, call: (req) => partsDone(req, id), cookie },
    {
      name: "POST /api/uploads/{id}/parts/{n}/done",
      path: `/api/uploads/${file.id}/parts/1/done`,
      method: "POST",
      cap: DEFAULT_MAX_BODY_BYTES,
      call: (req) => partDone(req, routeParams({ id: file.id, n: "1" })),
      cookie,
    },
    { name: "PATCH /api/files/{id}", path: `/api/files/${file.id}`, method: "PATCH", cap: DEFAULT_MAX_BODY_BYTES, call: (req) => renameFile(req, id), cookie },
    { name: "POST /api/tokens", path: "/api/tokens", method: "POST", cap: DEFAULT_MAX_BODY_BYTES, call: (req) => createToken(req), cookie },
  ];
}

withPostForms();

describe("body limits on every JSON route", () => {
  it("refuses an 8 MiB body to /api/register at once, from its Content-Length, without reading it", async () => {
    const { stream, sent, cancelled } = endlessBody();
    const headers = { "content-type": "application/json", origin: APP, "content-length": String(8 * MIB) };
    const started = performance.now();
    await expectTooLarge(await register(new Request(`${APP}/api/register`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit)));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(cancelled()).toBe(true);
    expect(sent()).toBeLessThanOrEqual(2 * 64 * 1024); // the stream's own read-ahead at most
  });

  it("refuses an 8 MiB JSON body to /api/register (413, quickly)", async () => {
    const started = performance.now();
    await expectTooLarge(await register(jsonRequest("/api/register", { rawBody: jsonOfSize(8 * MIB) })));
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each([["/api/register"], ["/api/uploads"]])("refuses a chunked body past the cap to %s, cancelling the stream just past it", async (path) => {
    const { cookie } = await createSignedInUser();
    const { stream, sent, cancelled } = endlessBody();
    const call: Call = path === "/api/register" ? (req) => register(req) : (req) => createUpload(req);
    await expectTooLarge(await call(chunkedRequest(path, stream, cookie)));
    expect(cancelled()).toBe(true);
    expect(sent()).toBeLessThanOrEqual(DEFAULT_MAX_BODY_BYTES + 2 * 64 * 1024);
  });

  it("gives every JSON route its cap: exactly the cap reaches validation, one byte more is 413, by Content-Length or streamed", async () => {
    for (const { name, path, method, cap, call, cookie } of await jsonRoutes()) {
      const sized = (bytes: number) => jsonRequest(path, { method, cookie, rawBody: jsonOfSize(bytes), headers: { "content-length": String(bytes) } });
      expect([name, (await call(sized(cap))).status]).toEqual([name, 400]);
      const over = await call(sized(cap + 1));
      expect([name, over.status]).toEqual([name, 413]);
      expect((await over.json()).error.code).toBe("payload_too_large");
      // Without Content-Length the body is counted as it streams.
      expect([name, (await call(chunkedRequest(path, new Blob([jsonOfSize(cap)]).stream(), cookie, method))).status]).toEqual([name, 400]);
      const overStreamed = await call(chunkedRequest(path, new Blob([jsonOfSize(cap + 1)]).stream(), cookie, method));
      expect([name, overStreamed.status]).toEqual([name, 413]);
    }
  });

  it("reads a small valid body as before (201)", async () => {
    const { cookie } = await createSignedInUser();
    const res = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name: "a.png", size: 10, type: "image/png" } }));
    expect(res.status).toBe(201);
  });

  it("refuses an over-cap sign-in form to next-auth's /api/auth/* before next-auth reads it", async () => {
    const ctx = { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) };
    const form = { "content-type": "application/x-www-form-urlencoded", origin: APP };
    const declared = new Request(`${APP}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { ...form, "content-length": String(8 * MIB) },
      body: endlessBody().stream,
      duplex: "half",
    } as RequestInit);
    await expectTooLarge(await authPost(declared as NextRequest, ctx));
    const { stream, sent, cancelled } = endlessBody();
    const chunked = new Request(`${APP}/api/auth/callback/credentials`, { method: "POST", headers: form, body: stream, duplex: "half" } as RequestInit);
    await expectTooLarge(await authPost(chunked as NextRequest, ctx));
    expect(cancelled()).toBe(true);
    expect(sent()).toBeLessThanOrEqual(AUTH_MAX_BODY_BYTES + 2 * 64 * 1024);
  });
});

/** Posts straight to MinIO the way the browser does: the signed fields first, the file last. */
async function postToStorage(upload: PostUploadTarget, bytes: Uint8Array) {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]));
  return fetch(upload.url, { method: "POST", body: form });
}

describe("content check: a signed type needs its signature", () => {
  const text = (value: string) => new TextEncoder().encode(value);

  it.each([
    ["an HTML comment declared as PNG", "image/png", "cat.png", text("<!-- x --><p>hello</p><script>steal()</script>")],
    ["a paragraph declared as JPEG", "image/jpeg", "cat.jpg", text("<p>hello</p><img src=x onerror=steal()>")],
    ["plain text declared as MP3", "audio/mpeg", "song.mp3", text("just some words, no frame sync at all")],
    ["zeros declared as MP4", "video/mp4", "clip.mp4", new Uint8Array(64)],
  ])("refuses %s at complete: 415, the object removed, the row rejected", async (_label, type, name, bytes) => {
    const { cookie, user } = await createSignedInUser();
    const created = await createUpload(jsonRequest("/api/uploads", { cookie, body: { name, size: bytes.length, type } }));
    expect(created.status).toBe(201);
    const { file, upload } = (await created.json()) as CreateUploadResponse & { upload: PostUploadTarget };
    expect((await postToStorage(upload, bytes)).status).toBe(204);
    const res = await completeUpload(jsonRequest(`/api/uploads/${file.id}/complete`, { method: "POST", cookie }), routeParams({ id: file.id }));
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_type");
    const row = await getFileItemById({ id: file.id, ownerId: user.id });
    expect(row!.status).toBe("rejected");
    expect(await headObject(row!.key)).toBeNull();
  });
});

describe("the page CSP's storage origin", () => {
  it("is the origin of every signed POST form and part URL, so connect-src allows exactly where bytes go", async () => {
    const origin = await storageBrowserOrigin();
    const post = await signUploadPost({ key: "csp/check.png", size: 1, contentType: "image/png", expiresAt: new Date(Date.now() + 60_000) });
    expect(new URL(post.url).origin).toBe(origin);
    const [part] = await signUploadPartUrls({ key: "csp/check.mp4", uploadId: "x", parts: [{ partNumber: 1, size: 5 * MIB }], expiresInSeconds: 60 });
    expect(new URL(part!).origin).toBe(origin);
    expect(origin).toBe(new URL(process.env.S3_PUBLIC_ENDPOINT ?? process.env.S3_ENDPOINT!).origin);
  });
});
