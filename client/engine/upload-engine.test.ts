import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { ANY_BACKOFF_MS, settle, withFakeTimers } from "@/testing/fakes/fake-timers";
import { BatchCoalescer } from "@/client/api/batch-coalescer";
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer, POLICY_TTL_MS, type FakeServerOptions } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import type { CreateUploadBody } from "@/lib/contracts/upload-schemas";
import { MIB } from "@/lib/units";
import { PREPARE_MAX_BYTES, PREPARED_POLICY_MIN_LIFE_MS } from "@/client/queue/prepare-ahead";
import { RENDER_INTERVAL_MS, UploadEngine } from "./upload-engine";

/**
 * The queue's orchestration in the browser: scheduling, file items made ahead, retries, cancel and
 * pause, driven through the engine's public actions against in-memory stand-ins for our API
 * (testing/fakes/fake-upload-api.ts), storage and this browser's resume records. Backoffs
 * and the render tick run on fake timers. What storage and the routes really do is tested against
 * MinIO and Postgres in tests/ and e2e/.
 */
const rules = { allowedTypes: ["image/png", "video/mp4"], maxBytes: 64 * MIB };
/** Multipart from this size in these tests, in parts of PART_SIZE bytes. */
const MULTIPART_FROM = 20;
const PART_SIZE = 4;
const xml = (code: string, message = "") => `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

let lastModified = 0;
function fileOf(name: string, size = 10, type = name.endsWith(".mp4") ? "video/mp4" : "image/png"): File {
  return new File([new Uint8Array(size)], name, { type, lastModified: ++lastModified });
}

type SetupOptions = FakeServerOptions & {
  concurrency?: number;
  connections?: number;
  coalesceCompletes?: boolean;
  hash?: (blob: Blob) => Promise<string>;
  /** The server's settings' formChecksum, where small files go by POST form; no settings at all when neither it nor smallUploads is set. */
  formChecksum?: "sha256" | null;
};

function setup(options: SetupOptions = {}) {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: MULTIPART_FROM, partSize: PART_SIZE, ...options });
  const resume = memoryResumeStore();
  // As the page does (client/queue/page-upload-engine.ts): small files' completes share requests.
  const completer = new BatchCoalescer(server.completeMany, { maxBatch: 100, maxInFlight: 1 });
  const api = options.coalesceCompletes ? { ...server.api, complete: (id: string) => completer.call(id) } : server.api;
  const hash = options.hash ?? (async (blob: Blob) => `crc-${blob.size}`);
  // The server's settings as GET /api/uploads/settings answers them: what it takes by PUT, it takes with a checksum.
  const { smallUploads = "post", formChecksum } = options;
  const settings = options.smallUploads || formChecksum !== undefined ? { smallUploads, singleRequestMaxBytes: MULTIPART_FROM - 1, formChecksum: formChecksum ?? null } : undefined;
  const engine = new UploadEngine(api, rules, { settings, transport: { post: storage.post, putFile: storage.putFile, put: storage.put, hash, resume } });
  engine.setConcurrency(options.concurrency ?? 2);
  engine.setConnections(options.connections ?? 6);
  /** The rows as React sees them, after the next render tick. */
  const rows = async () => {
    await vi.advanceTimersByTimeAsync(RENDER_INTERVAL_MS);
    return engine.getSnapshot().items;
  };
  const row = async (key: string) => (await rows()).find((item) => item.key === key)!;
  const statuses = async () => (await rows()).map((item) => item.status);
  /** The file item id each POST was signed for, in the order storage received them. */
  const postedIds = () => storage.posts.map((post) => post.target.replace(/^key-/, ""));
  return { storage, server, resume, engine, rows, row, statuses, postedIds };
}

withFakeTimers();

describe("scheduling", () => {
  it("starts at most `concurrency` files at once, and the next waiting one as soon as a slot frees", async () => {
    const { storage, engine, statuses, postedIds } = setup({ concurrency: 2 });
    storage.hold = true;
    engine.add(["a", "b", "c", "d", "e"].map((name) => fileOf(`${name}.png`)));
    expect(await statuses()).toEqual(["uploading", "uploading", "waiting", "waiting", "waiting"]);
    expect(storage.open(storage.posts)).toHaveLength(2);

    storage.posts[0]!.finish();
    expect(await statuses()).toEqual(["done", "uploading", "uploading", "waiting", "waiting"]);
    expect(storage.open(storage.posts)).toHaveLength(2);
    expect(postedIds()).toHaveLength(3);

    engine.setConcurrency(4);
    expect(await statuses()).toEqual(["done", "uploading", "uploading", "uploading", "uploading"]);
  });

  it("a file gives up its slot once its bytes are stored: the next is sent while it is verified", async () => {
    const { storage, server, engine, statuses } = setup({ concurrency: 1 });
    server.hold("complete");
    storage.hold = true;
    engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("c.png")]);
    expect(await statuses()).toEqual(["uploading", "waiting", "waiting"]);
    storage.posts[0]!.finish();
    // a waits for its complete; b has the one slot; c still waits for it.
    expect(await statuses()).toEqual(["verifying", "uploading", "waiting"]);
    expect(storage.open(storage.posts)).toHaveLength(1);
    storage.hold = false;
    storage.posts[1]!.finish();
    server.release("complete");
    expect(await statuses()).toEqual(["done", "done", "done"]);
  });

  it("rejects files the rules refuse without asking the server", async () => {
    const { server, engine, rows } = setup();
    engine.add([fileOf("notes.html", 10, "text/html"), fileOf("huge.png", rules.maxBytes + 1)]);
    expect((await rows()).map((item) => [item.status, item.error?.code])).toEqual([
      ["rejected", "unsupported_type"],
      ["rejected", "too_large"],
    ]);
    expect(server.calls).toEqual([]);
  });
});

describe("file items made ahead, and coalesced completes", () => {
  it("small files get their file items in one batch request made ahead, and none on its own", async () => {
    const { server, engine, rows, postedIds } = setup({ concurrency: 2 });
    engine.add(Array.from({ length: 10 }, (_, i) => fileOf(`f${i}.png`)));
    const items = await rows();
    expect(items.every((item) => item.status === "done")).toBe(true);
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.map((body) => body.name))).toEqual([
      Array.from({ length: 10 }, (_, i) => `f${i}.png`),
    ]);
    expect(server.argsOf("create")).toEqual([]);
    // Each file was sent with its own file item from the batch.
    expect(postedIds()).toEqual(items.map((item) => item.fileItemId));
    expect(new Set(postedIds()).size).toBe(10);
  });

  it("a file larger than PREPARE_MAX_BYTES gets its file item when it starts, not ahead", async () => {
    const { server, engine, statuses } = setup({ multipartFrom: MIB, partSize: 4 * MIB });
    engine.add([fileOf("big.mp4", PREPARE_MAX_BYTES + 1), fileOf("small.png")]);
    expect(await statuses()).toEqual(["done", "done"]);
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.map((body) => body.name))).toEqual([["small.png"]]);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.name)).toEqual(["big.mp4"]);
  });

  it("completes of files that finish together leave in fewer requests than files", async () => {
    const { storage, server, engine, rows } = setup({ concurrency: 4, coalesceCompletes: true });
    storage.hold = true;
    server.hold("completeMany");
    engine.add(["a", "b", "c", "d"].map((name) => fileOf(`${name}.png`)));
    await settle();
    for (const post of storage.posts) post.finish();
    await settle();
    server.release("completeMany");
    const items = await rows();
    expect(items.every((item) => item.status === "done")).toBe(true);
    const batches = server.argsOf<string[]>("completeMany");
    expect(batches.length).toBeLessThan(4);
    expect(batches.flat().sort()).toEqual(items.map((item) => item.fileItemId).sort());
    expect(server.argsOf("complete")).toEqual([]);
  });

  it("a made-ahead policy that would expire before its file is sent is signed afresh for the same file item", async () => {
    const { storage, server, engine, row, postedIds } = setup({ concurrency: 1 });
    storage.hold = true;
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    await settle();
    const [, preparedForB] = [...server.fileItems.keys()];
    // The first file takes so long that b's policy has less than PREPARED_POLICY_MIN_LIFE_MS left.
    await vi.advanceTimersByTimeAsync(POLICY_TTL_MS - PREPARED_POLICY_MIN_LIFE_MS / 2);
    storage.hold = false;
    storage.posts[0]!.finish();
    const b = await row("upload-2");
    expect(b.status).toBe("done");
    // One create with the batch's key for b: the server answers the file item it has, newly signed.
    const [askedAhead] = server.argsOf<CreateUploadBody[]>("createMany");
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.idempotencyKey)).toEqual([askedAhead![1]!.idempotencyKey]);
    expect(server.argsOf("cancel")).toEqual([]);
    expect(b.fileItemId).toBe(preparedForB);
    expect(postedIds()[1]).toBe(b.fileItemId);
    expect(server.fileItems.size).toBe(2);
  });
});

describe("small files by presigned PUT (stores without POST Object)", () => {
  it("each small file is hashed before its file item is asked for, and PUT with its URL's headers", async () => {
    const { storage, server, engine, statuses } = setup({ smallUploads: "put" });
    engine.add([fileOf("a.png", 10), fileOf("b.png", 11), fileOf("c.png", 12)]);
    expect(await statuses()).toEqual(["done", "done", "done"]);
    const asked = server.argsOf<CreateUploadBody[]>("createMany").flat();
    expect(asked.map((body) => [body.name, body.checksum])).toEqual([
      ["a.png", "crc-10"],
      ["b.png", "crc-11"],
      ["c.png", "crc-12"],
    ]);
    expect(storage.posts).toEqual([]);
    expect(storage.filePuts.map((put) => put.target)).toEqual(["key-file-1", "key-file-2", "key-file-3"]);
    expect(storage.filePutHeaders[0]).toEqual({ "Content-Type": "image/png", "x-amz-checksum-crc32": "crc-10", "If-None-Match": "*" });
  });

  it("a file that goes multipart is not hashed whole before it is asked for", async () => {
    const hash = vi.fn(async (blob: Blob) => `crc-${blob.size}`);
    const { server, engine, statuses } = setup({ smallUploads: "put", hash });
    engine.add([fileOf("movie.mp4", MULTIPART_FROM + 4)]);
    expect(await statuses()).toEqual(["done"]);
    expect(server.argsOf<CreateUploadBody[]>("createMany").flat()[0]).not.toHaveProperty("checksum");
    expect(hash.mock.calls.map(([blob]) => blob.size)).toEqual([PART_SIZE, PART_SIZE, PART_SIZE, PART_SIZE, PART_SIZE, PART_SIZE]);
  });

  it("a file that cannot be read fails with its read error; the rest of its batch is asked for and sent", async () => {
    const hash = async (blob: Blob) => {
      if (blob.size === 11) throw new Error("The file could not be read.");
      return `crc-${blob.size}`;
    };
    const { server, engine, rows } = setup({ smallUploads: "put", hash });
    engine.add([fileOf("a.png", 10), fileOf("b.png", 11), fileOf("c.png", 12)]);
    const [a, b, c] = await rows();
    expect([a!.status, b!.status, c!.status]).toEqual(["done", "failed", "done"]);
    expect(b!.error).toMatchObject({ code: "internal", message: "The file could not be read." });
    expect(server.argsOf<CreateUploadBody[]>("createMany").flat().map((body) => body.name)).toEqual(["a.png", "c.png"]);
    expect(server.argsOf("create")).toEqual([]);
  });
});

describe("small files by a POST form that binds their SHA-256 (formChecksum)", () => {
  const nodeSha256 = async (file: File) => createHash("sha256").update(new Uint8Array(await file.arrayBuffer())).digest("base64");
  const filled = (name: string, size: number, seed: number) => new File([new Uint8Array(size).map((_, i) => (i * seed + 7) % 256)], name, { type: name.endsWith(".mp4") ? "video/mp4" : "image/png", lastModified: ++lastModified });

  it("each small file's create carries the SHA-256 of its bytes; a file that goes multipart carries none", async () => {
    const { server, engine, statuses } = setup({ formChecksum: "sha256" });
    const files = [filled("a.png", 10, 3), filled("b.png", 11, 5), filled("movie.mp4", MULTIPART_FROM + 4, 7)];
    engine.add(files);
    await vi.waitFor(async () => expect(await statuses()).toEqual(["done", "done", "done"]));
    const asked = new Map(server.argsOf<CreateUploadBody[]>("createMany").flat().map((body) => [body.name, body]));
    expect(asked.get("a.png")).toMatchObject({ sha256: await nodeSha256(files[0]!) });
    expect(asked.get("b.png")).toMatchObject({ sha256: await nodeSha256(files[1]!) });
    expect([...asked.values()].every((body) => !("checksum" in body))).toBe(true);
    expect(asked.get("movie.mp4")).not.toHaveProperty("sha256");
  });

  it("where the server does not bind it (formChecksum null), no create carries it and nothing is hashed", async () => {
    const hash = vi.fn(async (blob: Blob) => `crc-${blob.size}`);
    const { server, engine, statuses } = setup({ formChecksum: null, hash });
    engine.add([filled("a.png", 10, 3), filled("b.png", 11, 5)]);
    expect(await statuses()).toEqual(["done", "done"]);
    expect(server.argsOf<CreateUploadBody[]>("createMany").flat().map((body) => Object.keys(body).sort())).toEqual([
      ["idempotencyKey", "name", "size", "type"],
      ["idempotencyKey", "name", "size", "type"],
    ]);
    expect(hash).not.toHaveBeenCalled();
  });

  it("a file that cannot be read fails with its read error; the rest of its batch is asked for and sent", async () => {
    class UnreadableFile extends File {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new DOMException("The file could not be read.", "NotReadableError"));
      }
    }
    const { server, engine, rows } = setup({ formChecksum: "sha256" });
    engine.add([filled("a.png", 10, 3), new UnreadableFile([new Uint8Array(11)], "b.png", { type: "image/png" }), filled("c.png", 12, 5)]);
    await vi.waitFor(async () => expect((await rows()).map((row) => row.status)).toEqual(["done", "failed", "done"]));
    expect((await rows())[1]!.error).toMatchObject({ code: "internal", message: "The file could not be read." });
    expect(server.argsOf<CreateUploadBody[]>("createMany").flat().map((body) => body.name)).toEqual(["a.png", "c.png"]);
    expect(server.argsOf("create")).toEqual([]);
  });
});

describe("transient failures are tried again", () => {
  it("a POST storage answers 503 is sent again after a backoff and counted in the row's retries", async () => {
    const { storage, server, engine, row, postedIds } = setup();
    storage.failNextPosts(storageErrorFor(503, xml("SlowDown"), "2"));
    engine.add([fileOf("a.png")]);
    await settle();
    // Waiting out the 2 s Retry-After.
    expect(await row("upload-1")).toMatchObject({ status: "uploading", retries: 1, loaded: 0 });
    expect(postedIds()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    const a = await row("upload-1");
    expect(a).toMatchObject({ status: "done", retries: 1 });
    expect(postedIds()).toEqual([a.fileItemId, a.fileItemId]);
    expect(server.argsOf("createMany")).toHaveLength(1);
  });

  it("a POST that got no answer is sent again, like a 5xx", async () => {
    const { storage, engine, row } = setup();
    storage.failNextPosts(storageUnreachable());
    engine.add([fileOf("a.png")]);
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    expect(await row("upload-1")).toMatchObject({ status: "done", retries: 1 });
  });

  it("a batch create answered 429 waits its Retry-After, then the batch is asked again", async () => {
    const { storage, server, engine, statuses } = setup();
    server.failNext("createMany", apiError(429, "rate_limited", 5_000));
    engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("c.png")]);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(server.argsOf("createMany")).toHaveLength(1);
    expect(storage.posts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.argsOf("createMany")).toHaveLength(2);
    expect(await statuses()).toEqual(["done", "done", "done"]);
    expect(server.argsOf("create")).toEqual([]);
  });

  it("when the batch keeps failing, each file asks for its own file item, and that retries on its own", async () => {
    const { server, engine, rows } = setup({ concurrency: 3 });
    server.failNext("createMany", ...Array.from({ length: 5 }, () => apiError(503, "storage_unavailable")));
    server.failNext("create", apiError(0, "network_error"));
    engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("c.png")]);
    await vi.advanceTimersByTimeAsync(6 * ANY_BACKOFF_MS);
    expect((await rows()).map((item) => item.status)).toEqual(["done", "done", "done"]);
    expect(server.argsOf("createMany")).toHaveLength(5);
    const creates = server.argsOf<CreateUploadBody>("create");
    expect(creates.map((body) => body.name).sort()).toEqual(["a.png", "a.png", "b.png", "c.png"]);
    // Each file's own create carries the key it was asked for with in the batch, and so does the one
    // tried again after no answer: had a batch been stored with its answer lost, the server would
    // answer those file items, never store second ones.
    const keyInBatch = new Map(server.argsOf<CreateUploadBody[]>("createMany")[0]!.map((body) => [body.name, body.idempotencyKey]));
    for (const body of creates) expect(body.idempotencyKey).toBe(keyInBatch.get(body.name));
    expect(server.fileItems.size).toBe(3);
  });

  it("a complete answered 500 is asked again; the file is not sent again", async () => {
    const { server, engine, row, postedIds } = setup();
    server.failNext("complete", apiError(500, "internal"));
    engine.add([fileOf("a.png")]);
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    const a = await row("upload-1");
    expect(a).toMatchObject({ status: "done", retries: 0 });
    expect(server.argsOf("complete")).toEqual([a.fileItemId, a.fileItemId]);
    expect(postedIds()).toHaveLength(1);
  });
});

describe("refusals fail the row at once, and Retry sends it again", () => {
  it("a create refused with 415 fails with its code and the server's message; Retry uploads it once allowed", async () => {
    const { server, engine, row } = setup();
    server.refuse = (body) => (body.name === "b.png" ? apiError(415, "unsupported_type") : null);
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    expect(await row("upload-2")).toMatchObject({ status: "failed", error: { code: "unsupported_type", message: "unsupported_type (415)" } });
    // The batch's refusal is the file's answer: no second request for the same refusal.
    expect(server.argsOf("create")).toEqual([]);
    expect((await row("upload-1")).status).toBe("done");

    server.refuse = null;
    engine.retry("upload-2");
    expect(await row("upload-2")).toMatchObject({ status: "done", error: null });
  });

  it("a POST storage refuses fails as storage_refused and releases its file item; Retry starts with a new file item", async () => {
    const { storage, server, engine, row, postedIds } = setup();
    storage.failNextPosts(storageErrorFor(403, xml("AccessDenied", "Invalid according to Policy")));
    engine.add([fileOf("a.png")]);
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    const failed = await row("upload-1");
    expect(failed).toMatchObject({ status: "failed", retries: 0, error: { code: "storage_refused" } });
    // The engine keeps storage's own words; the row adds what to do (components/upload/failure-message.test.ts).
    expect(failed.error!.message).toBe("Storage refused the upload (AccessDenied).");
    expect(server.argsOf("cancel")).toEqual([failed.fileItemId]);
    expect(postedIds()).toHaveLength(1);

    engine.retry("upload-1");
    const done = await row("upload-1");
    expect(done.status).toBe("done");
    expect(done.fileItemId).not.toBe(failed.fileItemId);
    expect(postedIds()).toEqual([failed.fileItemId, done.fileItemId]);
  });

  it("an expired policy gets a fresh file item, and the row follows the new id", async () => {
    const { storage, server, engine, row, postedIds } = setup();
    storage.failNextPosts(storageErrorFor(403, xml("AccessDenied", "Request has expired")));
    engine.add([fileOf("a.png")]);
    await settle();
    const [first] = server.fileItems.keys();
    const a = await row("upload-1");
    expect(a).toMatchObject({ status: "done", retries: 1 });
    expect(a.fileItemId).not.toBe(first);
    expect(server.argsOf("cancel")).toEqual([first]);
    expect(postedIds()).toEqual([first, a.fileItemId]);
  });

  it("a file that fails after its policy was renewed releases the new file item, not the old one again", async () => {
    const { storage, server, engine, row } = setup();
    storage.failNextPosts(
      storageErrorFor(403, xml("AccessDenied", "Request has expired")),
      storageErrorFor(403, xml("AccessDenied", "Invalid according to Policy")),
    );
    engine.add([fileOf("a.png")]);
    const failed = await row("upload-1");
    expect(failed).toMatchObject({ status: "failed", error: { code: "storage_refused" } });
    const [first, renewed] = server.fileItems.keys();
    expect(failed.fileItemId).toBe(renewed);
    expect(server.argsOf("cancel")).toEqual([first, renewed]);
  });

  it("a part storage refuses fails a multipart row as part_failed and keeps its file item for a retry", async () => {
    const { storage, server, engine, row } = setup();
    storage.failNextPuts(storageErrorFor(403, xml("AccessDenied")));
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE)]);
    const failed = await row("upload-1");
    expect(failed).toMatchObject({ status: "failed", resumable: true, error: { code: "part_failed" } });
    expect(failed.error!.message).toMatch(/^Part \d+: Storage refused the upload \(AccessDenied\)\.$/);
    expect(server.argsOf("cancel")).toEqual([]);
    expect(server.fileItems.get(failed.fileItemId!)!.file.status).toBe("pending");
  });

  // Regression: `run` only looked for an upload to resume among the fingerprints read from the
  // resume store when files were last added, so Retry in the same visit created a second file item,
  // sent every part again, and left the first file item pending until cleanup.
  it("Retry after a failed part resumes on the same file item and sends only the missing parts", async () => {
    const { storage, engine, row } = setup({ connections: 1 });
    storage.hold = true;
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE)]);
    await settle();
    storage.puts[0]!.finish();
    await settle();
    storage.puts[1]!.finish();
    await settle();
    storage.puts[2]!.fail(storageErrorFor(403, xml("AccessDenied")));
    const failed = await row("upload-1");
    expect(failed.status).toBe("failed");
    storage.hold = false;
    engine.retry("upload-1");
    const done = await row("upload-1");
    expect(done).toMatchObject({ status: "done", fileItemId: failed.fileItemId });
    expect(storage.puts.filter((put) => put.state === "stored")).toHaveLength(6);
  });
});

describe("cancel", () => {
  it("cancelling a waiting file releases the file item made ahead for it, and it is never sent", async () => {
    const { storage, server, engine, statuses, postedIds } = setup({ concurrency: 1 });
    storage.hold = true;
    engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("c.png")]);
    await settle();
    const [, , preparedForC] = [...server.fileItems.keys()];
    engine.cancel("upload-3");
    await settle();
    expect(server.argsOf("cancel")).toEqual([preparedForC]);
    storage.hold = false;
    storage.posts[0]!.finish();
    expect(await statuses()).toEqual(["done", "done", "cancelled"]);
    expect(postedIds()).not.toContain(preparedForC);
  });

  it("cancelling a file on the wire aborts its POST, deletes its file item and starts the next file", async () => {
    const { storage, server, engine, row, statuses } = setup({ concurrency: 1 });
    storage.hold = true;
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    await settle();
    const a = await row("upload-1");
    engine.cancel("upload-1");
    await settle();
    expect(storage.posts[0]!.state).toBe("aborted");
    expect(server.argsOf("cancel")).toEqual([a.fileItemId]);
    expect(await statuses()).toEqual(["cancelled", "uploading"]);
    expect(storage.open(storage.posts)).toHaveLength(1);
  });

  it("a file cancelled while its file item is being made releases that file item once it arrives", async () => {
    const { storage, server, engine, statuses } = setup();
    server.hold("createMany");
    engine.add([fileOf("a.png")]);
    await settle();
    engine.cancel("upload-1");
    server.release("createMany");
    await settle();
    expect(server.argsOf("cancel")).toEqual([...server.fileItems.keys()]);
    expect(storage.posts).toEqual([]);
    expect(await statuses()).toEqual(["cancelled"]);
  });

  it("cancelling a multipart upload deletes its file item and forgets it in this browser", async () => {
    const { storage, server, resume, engine, row } = setup();
    storage.hold = true;
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE)]);
    await settle();
    expect(resume.records.size).toBe(1);
    const { fileItemId } = await row("upload-1");
    engine.cancel("upload-1");
    await settle();
    expect(server.argsOf("cancel")).toEqual([fileItemId]);
    expect(resume.records.size).toBe(0);
    expect(storage.open(storage.puts)).toEqual([]);
  });
});

describe("multipart rows", () => {
  it("pause drops the parts on the wire and sends nothing more; resume sends the rest and completes", async () => {
    const { storage, server, engine, row } = setup({ connections: 2 });
    storage.hold = true;
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE)]);
    await settle();
    const onWire = storage.open(storage.puts);
    expect(onWire).toHaveLength(2);

    engine.pause("upload-1");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await row("upload-1")).toMatchObject({ status: "paused", resumable: true });
    expect(onWire.map((put) => put.state)).toEqual(["aborted", "aborted"]);
    expect(storage.puts).toHaveLength(2);

    storage.hold = false;
    engine.resume("upload-1");
    expect(await row("upload-1")).toMatchObject({ status: "done", loaded: 6 * PART_SIZE });
    const stored = storage.puts.filter((put) => put.state === "stored").map((put) => put.target);
    expect(stored.sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `file-1/part/${n}`));
    expect(server.argsOf("completeMultipart")).toEqual(["file-1"]);
  });

  it("pause and resume do nothing to a single-POST row", async () => {
    const { storage, engine, row } = setup();
    storage.hold = true;
    engine.add([fileOf("a.png")]);
    await settle();
    engine.pause("upload-1");
    expect(await row("upload-1")).toMatchObject({ status: "uploading", resumable: false });
    expect(storage.posts[0]!.state).toBe("open");
  });

  it("a paused row gives its slot to the next waiting file", async () => {
    const { storage, engine, statuses } = setup({ concurrency: 1 });
    storage.hold = true;
    engine.add([fileOf("clip.mp4", 6 * PART_SIZE), fileOf("a.png")]);
    expect(await statuses()).toEqual(["uploading", "waiting"]);
    engine.pause("upload-1");
    expect(await statuses()).toEqual(["paused", "uploading"]);
  });

  it("pauseAll pauses every multipart row on the wire, resumeAll resumes them", async () => {
    const { storage, engine, statuses } = setup({ concurrency: 3 });
    storage.hold = true;
    engine.add([fileOf("one.mp4", 6 * PART_SIZE), fileOf("two.mp4", 6 * PART_SIZE), fileOf("a.png")]);
    await settle();
    engine.pauseAll();
    expect(await statuses()).toEqual(["paused", "paused", "uploading"]);
    engine.resumeAll();
    expect(await statuses()).toEqual(["uploading", "uploading", "uploading"]);
  });

  it("the same file picked again after a reload resumes on the server's file item and sends only the missing parts", async () => {
    const { storage, server, resume, engine, row } = setup();
    const file = fileOf("clip.mp4", 6 * PART_SIZE);
    const earlier = server.seed({ name: file.name, size: file.size, type: file.type });
    await resume.remember(file, earlier.file.id);
    await server.api.reportParts(earlier.file.id, [1, 2, 3].map((partNumber) => ({ partNumber, etag: `"old-${partNumber}"` })));
    // Before any part moves, the row already counts the parts stored earlier.
    server.hold("signParts");
    engine.add([file]);
    expect(await row("upload-1")).toMatchObject({ status: "uploading", fileItemId: earlier.file.id, loaded: 3 * PART_SIZE });
    server.release("signParts");
    expect(await row("upload-1")).toMatchObject({ status: "done", fileItemId: earlier.file.id });
    expect(storage.puts.map((put) => put.target).sort()).toEqual([4, 5, 6].map((n) => `${earlier.file.id}/part/${n}`));
    // The file item made ahead for it before the engine knew it could resume is released.
    const madeAhead = [...server.fileItems.keys()].filter((id) => id !== earlier.file.id);
    expect(madeAhead).toHaveLength(1);
    expect(server.argsOf("cancel")).toEqual(madeAhead);
    expect(resume.records.size).toBe(0);
  });

  it("a file whose saved upload the server no longer has pending starts over with a new file item", async () => {
    const { server, resume, engine, row } = setup();
    const file = fileOf("clip.mp4", 6 * PART_SIZE);
    await resume.remember(file, "file-gone");
    engine.add([file]);
    const done = await row("upload-1");
    expect(done.status).toBe("done");
    expect(server.argsOf("getUpload")).toEqual(["file-gone"]);
    expect(done.fileItemId).not.toBe("file-gone");
  });
});
