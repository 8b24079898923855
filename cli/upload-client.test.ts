import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { withFakeTimers } from "@/testing/fakes/fake-timers";
import type { UploadApi } from "@/client/api/upload-api";
import { PREPARE_MAX_BYTES, PREPARE_WINDOW } from "@/client/queue/prepare-ahead";
import { RETRY_MAX_DELAY_MS } from "@/client/retry-policy";
import { storageErrorFor } from "@/client/storage-error";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import type { CreateUploadBody, UploadSettings } from "@/lib/contracts/upload-schemas";
import { MIB } from "@/lib/units";
import { typeForName, uploadFiles, type FileOutcome, type OpenedFile } from "./upload-client";

/**
 * The CLI's run as it drives the page's engine, against the in-memory API and storage
 * (testing/fakes): which requests a run makes (file items made ahead in batches, ~one create request
 * per 24 small files), and what each file's outcome is when a batch is refused, rate limited or
 * loses its answer. Only the transports are swapped for stand-ins; backoffs run on fake timers.
 */
const MULTIPART_FROM = 20 * MIB;
/** Files refilled per batch once the first window is made: half of it. */
const REFILL = PREPARE_WINDOW / 2;

const opened = (i: number, size = 2_000, name = `f${i}.png`): OpenedFile => ({
  path: `/tmp/${name}`,
  file: new File([new Uint8Array(size)], name, { type: typeForName(name) ?? "", lastModified: i }),
});

function setup(smallUploads: "post" | "put" = "post") {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: MULTIPART_FROM, partSize: 5 * MIB, smallUploads });
  const batches = () => server.argsOf<CreateUploadBody[]>("createMany");
  return { storage, server, batches };
}

/** A whole run, `parallel` files at once; each file's outcome by name. */
async function run(api: UploadApi, storage: FakeStorage, files: OpenedFile[], parallel = 4, settings?: UploadSettings) {
  const outcomes = new Map<string, FileOutcome>();
  const done = uploadFiles(api, files, {
    parallel,
    settings,
    onOutcome: (outcome) => outcomes.set(outcome.path.replace("/tmp/", ""), outcome),
    transport: { post: storage.post, putFile: storage.putFile, put: storage.put, hash: async (blob) => `crc-${blob.size}` },
  });
  let finished = false;
  void done.then(() => (finished = true));
  for (let i = 0; i < 200 && !finished; i++) await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS);
  await done;
  return outcomes;
}

withFakeTimers();

describe("a run's create requests", () => {
  it.each([1, 30, 300, 1_000])("%i small files: one batch create per ~24 files, no create of their own, each stored once", async (count) => {
    const { storage, server, batches } = setup();
    const files = Array.from({ length: count }, (_, i) => opened(i));
    const outcomes = await run(server.api, storage, files);
    expect(server.argsOf("create")).toEqual([]);
    expect(Math.max(...batches().map((batch) => batch.length))).toBeLessThanOrEqual(PREPARE_WINDOW);
    // docs/api.md promises ~420 requests for 10,000 files.
    expect(batches().length).toBeLessThanOrEqual(Math.ceil(count / REFILL) + 1);
    expect(server.fileItems.size).toBe(count);
    const stored = files.map((file) => outcomes.get(file.file.name) as { stored: { name: string; id: string; status: string } });
    expect(stored.map((outcome) => outcome.stored.name)).toEqual(files.map((file) => file.file.name));
    expect(stored.every((outcome) => outcome.stored.status === "uploaded")).toBe(true);
    expect(new Set(stored.map((outcome) => outcome.stored.id)).size).toBe(count);
    expect(storage.posts).toHaveLength(count);
  });

  it("where small files go by PUT: 300 files, each hashed and asked for with its checksum, still ~one batch create per 24 files", async () => {
    const { storage, server, batches } = setup("put");
    const files = Array.from({ length: 300 }, (_, i) => opened(i, 2_000 + i));
    const outcomes = await run(server.api, storage, files, 4, { smallUploads: "put", singleRequestMaxBytes: MULTIPART_FROM - 1, formChecksum: null });
    expect([...outcomes.values()].every((outcome) => "stored" in outcome)).toBe(true);
    expect(server.argsOf("create")).toEqual([]);
    expect(batches().flat().map((body) => body.checksum)).toEqual(files.map((file) => `crc-${file.file.size}`));
    // The first batch stops at HASHED_START_BATCH_BYTES only while nothing made ahead waits.
    expect(batches().length).toBeLessThanOrEqual(Math.ceil(300 / REFILL) + 2);
    expect(storage.posts).toEqual([]);
    expect(storage.filePuts).toHaveLength(300);
  });

  it("where the server binds a POST form to the file's SHA-256: each small file's create carries it, a multipart one none", async () => {
    const { storage, server, batches } = setup();
    const files = [...Array.from({ length: 30 }, (_, i) => opened(i, 2_000 + i)), opened(30, MULTIPART_FROM, "clip.mp4")];
    const outcomes = await run(server.api, storage, files, 4, { smallUploads: "post", singleRequestMaxBytes: MULTIPART_FROM - 1, formChecksum: "sha256" });
    expect([...outcomes.values()].every((outcome) => "stored" in outcome)).toBe(true);
    const sha256Of = async (file: File) => createHash("sha256").update(new Uint8Array(await file.arrayBuffer())).digest("base64");
    expect(batches().flat().map((body) => body.sha256)).toEqual(await Promise.all(files.slice(0, 30).map((entry) => sha256Of(entry.file))));
    expect(batches().flat().every((body) => !("checksum" in body))).toBe(true);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => [body.name, "sha256" in body])).toEqual([["clip.mp4", false]]);
    expect(storage.posts).toHaveLength(30);
  });

  it("big files create on their own turn; the small ones around them are batched", async () => {
    const { storage, server, batches } = setup();
    const files = [opened(0), opened(1, PREPARE_MAX_BYTES + 1, "movie.mp4"), opened(2), opened(3, MULTIPART_FROM, "clip.mp4"), opened(4)];
    const outcomes = await run(server.api, storage, files, 1);
    expect(batches().map((bodies) => bodies.map((body) => body.name))).toEqual([["f0.png", "f2.png", "f4.png"]]);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.name)).toEqual(["movie.mp4", "clip.mp4"]);
    expect([...outcomes.values()].every((outcome) => "stored" in outcome)).toBe(true);
    // The multipart one went in parts and was completed once.
    expect(server.argsOf("completeMultipart")).toHaveLength(1);
    expect(storage.puts.filter((put) => put.state === "stored")).toHaveLength(4);
  });
});

describe("a file's outcome when its file item made ahead is not usable", () => {
  it("a file the batch refused fails with that refusal, without asking again (the page's rule)", async () => {
    const { storage, server } = setup();
    server.refuse = (body) => (body.name === "f1.png" ? apiError(415, "unsupported_type") : null);
    const outcomes = await run(server.api, storage, [opened(0), opened(1), opened(2)], 1);
    expect(outcomes.get("f1.png")).toEqual({ path: "/tmp/f1.png", error: "unsupported_type (415)" });
    expect("stored" in outcomes.get("f0.png")! && "stored" in outcomes.get("f2.png")!).toBe(true);
    expect(server.argsOf("create")).toEqual([]);
  });

  it("a token the server refuses fails every file with its message, and nothing reaches storage", async () => {
    const { storage, server } = setup();
    server.refuse = () => apiError(401, "unauthorized");
    const outcomes = await run(server.api, storage, [opened(0), opened(1)]);
    expect([...outcomes.values()]).toEqual([
      { path: "/tmp/f0.png", error: "unauthorized (401)" },
      { path: "/tmp/f1.png", error: "unauthorized (401)" },
    ]);
    expect(storage.posts).toEqual([]);
    expect(server.argsOf("create")).toEqual([]);
  });

  it("429 on a batch waits its Retry-After and sends the same batch again; no file creates on its own", async () => {
    const { storage, server, batches } = setup();
    server.failNext("createMany", apiError(429, "rate_limited", 7_000));
    const outcomes = await run(server.api, storage, [opened(0), opened(1)]);
    expect(batches()).toHaveLength(2);
    expect(batches()[0]!.map((body) => body.idempotencyKey)).toEqual(batches()[1]!.map((body) => body.idempotencyKey));
    expect([...outcomes.values()].every((outcome) => "stored" in outcome)).toBe(true);
    expect(server.argsOf("create")).toEqual([]);
  });

  it("a batch that keeps failing falls back to each file's own create, with its batch key and its own retries", async () => {
    const { storage, server, batches } = setup();
    server.failNext("createMany", ...Array.from({ length: 5 }, () => apiError(503, "storage_unavailable")));
    server.failNext("create", apiError(503, "storage_unavailable"));
    const outcomes = await run(server.api, storage, [opened(0), opened(1)], 1);
    expect(batches()).toHaveLength(5);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.name)).toEqual(["f0.png", "f0.png", "f1.png"]);
    const keyInBatch = new Map(batches()[0]!.map((body) => [body.name, body.idempotencyKey]));
    for (const body of server.argsOf<CreateUploadBody>("create")) expect(body.idempotencyKey).toBe(keyInBatch.get(body.name));
    expect([...outcomes.values()].every((outcome) => "stored" in outcome)).toBe(true);
    expect(server.fileItems.size).toBe(2);
  });

  it("a POST storage refuses fails its file with storage's reason and releases its file item before the run ends", async () => {
    const { storage, server } = setup();
    storage.failNextPosts(storageErrorFor(403, "<Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>"));
    const outcomes = await run(server.api, storage, [opened(0)]);
    expect(outcomes.get("f0.png")).toEqual({ path: "/tmp/f0.png", error: "Storage refused the upload (AccessDenied)." });
    const [fileItem] = server.fileItems.values();
    expect(server.argsOf("cancel")).toEqual([fileItem!.file.id]);
    expect(fileItem!.file.status).toBe("aborted");
  });
});

describe("typeForName", () => {
  it("types a file by its extension, from the server's table", () => {
    expect(typeForName("a.PNG")).toBe("image/png");
    expect(typeForName("clip.mp4")).toBe("video/mp4");
    expect(typeForName("notes")).toBeNull();
  });
});
