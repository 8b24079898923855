import { describe, expect, it, vi } from "vitest";
import { settle, withFakeTimers } from "@/testing/fakes/fake-timers";
import { HASHED_START_BATCH_BYTES, PREPARE_WINDOW, PREPARED_POLICY_MIN_LIFE_MS, START_BATCH_MIN_FILES } from "@/client/queue/prepare-ahead";
import type { QueueItem } from "@/client/queue/upload-queue";
import { RETRY_MAX_DELAY_MS } from "@/client/retry-policy";
import { waitingItem } from "@/testing/fakes/waiting-item";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import type { CreateUploadBody } from "@/lib/contracts/upload-schemas";
import type { ChecksumField } from "./create-checksums";
import { bodyOf, FileItemsAhead } from "./file-items-ahead";

/**
 * The one "file items made ahead" module the page and the CLI share, on its own against the
 * in-memory API: which batch requests it makes, and what a file's turn takes when its file item made
 * ahead is there, refused, failed or nearly expired. Backoffs run on fake timers.
 */
const waiting = (i: number, size = 2_000): QueueItem => ({ ...waitingItem(`k${i}`, size), name: `f${i}.png` });
const queue = (count: number) => Array.from({ length: count }, (_, i) => waiting(i));
const signal = () => new AbortController().signal;

/** `hashed`: the field every create carries, as the engine gives it where small files go by PUT (checksum) or by a form that binds their SHA-256 (sha256); every file here is small. */
function setup(options: { policyTtlMs?: number; hashed?: ChecksumField } = {}) {
  const { hashed: field, ...serverOptions } = options;
  const server = new FakeUploadServer(new FakeStorage(), { ...serverOptions, smallUploads: field === "checksum" ? "put" : "post" });
  const hashed: string[] = [];
  const released: string[] = [];
  const tracked: Promise<unknown>[] = [];
  const answered = vi.fn();
  const ahead = new FileItemsAhead(server.api, {
    release: (id) => {
      released.push(id);
      void server.api.cancel(id).catch(() => {});
    },
    track: (promise) => tracked.push(promise),
    answered,
    checksums: field && { fieldFor: () => field, of: async (key, of) => (hashed.push(key), `${of === "checksum" ? "crc" : "sha"}-${key}`) },
  });
  const batchKeys = () => server.argsOf<CreateUploadBody[]>("createMany").flatMap((bodies) => bodies.map((body) => body.idempotencyKey));
  return { server, ahead, released, tracked, answered, batchKeys, hashed };
}

withFakeTimers();

describe("prepare", () => {
  it("asks for the window's small files in one batch, each with its own idempotency key, and one batch at a time", async () => {
    const { server, ahead, answered, batchKeys } = setup();
    const files = queue(100);
    ahead.prepare(() => files);
    ahead.prepare(() => files.slice(1));
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.length)).toEqual([PREPARE_WINDOW]);
    expect(new Set(batchKeys()).size).toBe(PREPARE_WINDOW);
    expect(files.slice(0, PREPARE_WINDOW).every((file) => ahead.has(file.key))).toBe(true);
    expect(ahead.has(files[PREPARE_WINDOW]!.key)).toBe(false);
    await settle();
    expect(answered).toHaveBeenCalledTimes(1);
  });

  it("does not read the queue while a batch is on its way (it runs on every transition)", async () => {
    const { server, ahead } = setup();
    server.hold("createMany");
    ahead.prepare(() => queue(10));
    const upcoming = vi.fn(() => queue(10));
    ahead.prepare(upcoming);
    expect(upcoming).not.toHaveBeenCalled();
    server.release("createMany");
    await settle();
    ahead.prepare(upcoming);
    expect(upcoming).toHaveBeenCalledTimes(1);
  });

  it("bodies carry the row's folder; a loose file has none", () => {
    expect(bodyOf({ ...waiting(0), path: "Holiday/Day 1" })).toEqual({ name: "f0.png", size: 2_000, type: "image/png", path: "Holiday/Day 1" });
    expect(bodyOf(waiting(0))).toEqual({ name: "f0.png", size: 2_000, type: "image/png" });
  });
});

describe("fileItemFor", () => {
  it("takes the file item made ahead, without a request of its own, and only once", async () => {
    const { server, ahead } = setup();
    const file = waiting(0);
    ahead.prepare(() => [file]);
    const answer = await ahead.fileItemFor(file.key, bodyOf(file), signal());
    expect(answer.file.name).toBe("f0.png");
    expect(server.argsOf("create")).toEqual([]);
    expect(ahead.has(file.key)).toBe(false);
    await ahead.fileItemFor(file.key, bodyOf(file), signal());
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.name)).toEqual(["f0.png"]);
  });

  it("a file with nothing made ahead creates its own file item, trying again after a transient failure", async () => {
    const { server, ahead } = setup();
    server.failNext("create", apiError(503, "storage_unavailable"));
    const answer = ahead.fileItemFor("big", { name: "movie.png", size: 200, type: "image/png" }, signal());
    await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS);
    expect((await answer).file.name).toBe("movie.png");
    const creates = server.argsOf<CreateUploadBody>("create");
    expect(creates).toHaveLength(2);
    expect(creates[0]!.idempotencyKey).toBe(creates[1]!.idempotencyKey);
  });

  it("a refusal in the batch is the file's answer: it is thrown, and nothing is asked again", async () => {
    const { server, ahead } = setup();
    server.refuse = (body) => (body.name === "f1.png" ? apiError(415, "unsupported_type") : null);
    const files = queue(3);
    ahead.prepare(() => files);
    await expect(ahead.fileItemFor("k1", bodyOf(files[1]!), signal())).rejects.toMatchObject({ status: 415, code: "unsupported_type" });
    expect((await ahead.fileItemFor("k2", bodyOf(files[2]!), signal())).file.name).toBe("f2.png");
    expect(server.argsOf("create")).toEqual([]);
  });

  it("429 on a batch: the same batch, with the same keys, after its Retry-After", async () => {
    const { server, ahead, batchKeys } = setup();
    server.failNext("createMany", apiError(429, "rate_limited", 7_000));
    const files = queue(2);
    ahead.prepare(() => files);
    const answer = ahead.fileItemFor("k0", bodyOf(files[0]!), signal());
    await vi.advanceTimersByTimeAsync(6_999);
    expect(server.argsOf("createMany")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.argsOf("createMany")).toHaveLength(2);
    expect((await answer).file.name).toBe("f0.png");
    expect(batchKeys().slice(0, 2)).toEqual(batchKeys().slice(2));
    expect(server.argsOf("create")).toEqual([]);
  });

  it("a batch whose answers never arrive: each file asks on its own with its batch key, so the file items stored are used, not doubled", async () => {
    const server = new FakeUploadServer(new FakeStorage());
    // Every try of the batch stores its file items, then the answer is lost.
    const lossy = {
      ...server.api,
      createMany: async (bodies: CreateUploadBody[]) => {
        await server.api.createMany(bodies);
        throw apiError(0, "network_error");
      },
    };
    const ahead = new FileItemsAhead(lossy, { release: () => {}, track: () => {}, answered: () => {} });
    const files = queue(30);
    ahead.prepare(() => files);
    const answers = Promise.all(files.map((file) => ahead.fileItemFor(file.key, bodyOf(file), signal())));
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS);
    expect((await answers).map((answer) => answer.file.name)).toEqual(files.map((file) => file.name));
    expect(server.fileItems.size).toBe(30);
    const batchKeys = server.argsOf<CreateUploadBody[]>("createMany")[0]!.map((body) => body.idempotencyKey);
    const ownKeys = server.argsOf<CreateUploadBody>("create").map((body) => body.idempotencyKey);
    expect(ownKeys).toHaveLength(30);
    expect(new Set(ownKeys)).toEqual(new Set(batchKeys));
  });

  it("a policy close to PREPARED_POLICY_MIN_LIFE_MS is asked for again with the same key: the same file item, signed anew", async () => {
    const { server, ahead, batchKeys } = setup({ policyTtlMs: PREPARED_POLICY_MIN_LIFE_MS + 5_000 });
    const files = queue(2);
    ahead.prepare(() => files);
    await settle();
    const made = [...server.fileItems.values()].find((fileItem) => fileItem.file.name === "f0.png")!;
    await vi.advanceTimersByTimeAsync(5_000);
    const answer = await ahead.fileItemFor("k0", bodyOf(files[0]!), signal());
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.idempotencyKey)).toEqual([batchKeys()[0]]);
    expect(answer.file.id).toBe(made.file.id);
    expect(server.fileItems.size).toBe(2);
    expect(server.argsOf("cancel")).toEqual([]);
  });
});

describe("where small files go by PUT", () => {
  it("each create carries its file's CRC32, and the answer gives the body to ask with again: checksum, no idempotency key", async () => {
    const { server, ahead } = setup({ hashed: "checksum" });
    const files = queue(3);
    ahead.prepare(() => files);
    const answer = await ahead.fileItemFor("k1", bodyOf(files[1]!), signal());
    expect(server.argsOf<CreateUploadBody[]>("createMany")[0]!.map((body) => body.checksum)).toEqual(["crc-k0", "crc-k1", "crc-k2"]);
    expect(answer.body).toEqual({ ...bodyOf(files[1]!), checksum: "crc-k1" });
    const own = await ahead.fileItemFor("big", { name: "big.png", size: 9_000, type: "image/png" }, signal());
    expect(server.argsOf<CreateUploadBody>("create")[0]).toMatchObject({ name: "big.png", checksum: "crc-big" });
    expect(own.body).toEqual({ name: "big.png", size: 9_000, type: "image/png", checksum: "crc-big" });
  });

  it("a first batch stops at HASHED_START_BATCH_BYTES; the next one takes the rest of the window", async () => {
    const { server, ahead, hashed } = setup({ hashed: "checksum" });
    const size = HASHED_START_BATCH_BYTES / 2 - 1;
    const files = Array.from({ length: 6 }, (_, i) => waiting(i, size));
    ahead.prepare(() => files, 12);
    await settle();
    expect(hashed).toEqual(["k0", "k1"]);
    ahead.prepare(() => files.slice(2));
    await settle();
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.length)).toEqual([2, 4]);
  });

  it("a first batch stops at the files that start at once; the next one is hashed while they go", async () => {
    const { server, ahead, hashed } = setup({ hashed: "checksum" });
    const files = queue(30);
    ahead.prepare(() => files, 6);
    await settle();
    expect(hashed).toEqual(["k0", "k1", "k2", "k3", "k4", "k5"]);
    // Their answer is in, and before they start (the engine's beforeStart) the rest of the window is asked for, in one batch.
    ahead.prepare(() => files, 6);
    await settle();
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.length)).toEqual([6, 24]);
  });

  it("a first batch takes at least START_BATCH_MIN_FILES, however few start at once", async () => {
    const { hashed, ahead } = setup({ hashed: "sha256" });
    ahead.prepare(() => queue(10), 1);
    await settle();
    expect(hashed).toHaveLength(START_BATCH_MIN_FILES);
  });

  it("while files are on the wire (no start count), a batch takes the whole window even when nothing made ahead is waiting (regression: a CLI run of 300 files made 75 creates)", async () => {
    const { server, ahead } = setup({ hashed: "sha256" });
    ahead.prepare(() => queue(30));
    await settle();
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.length)).toEqual([30]);
  });
});

describe("where small files go by a POST form that binds their SHA-256", () => {
  it("each create carries its file's SHA-256 and no CRC32, and the answer gives the body to ask with again", async () => {
    const { server, ahead } = setup({ hashed: "sha256" });
    const files = queue(3);
    ahead.prepare(() => files);
    const answer = await ahead.fileItemFor("k1", bodyOf(files[1]!), signal());
    const asked = server.argsOf<CreateUploadBody[]>("createMany")[0]!;
    expect(asked.map((body) => body.sha256)).toEqual(["sha-k0", "sha-k1", "sha-k2"]);
    expect(asked.every((body) => !("checksum" in body))).toBe(true);
    expect(answer.body).toEqual({ ...bodyOf(files[1]!), sha256: "sha-k1" });
    const own = await ahead.fileItemFor("big", { name: "big.png", size: 9_000, type: "image/png" }, signal());
    expect(own.body).toEqual({ name: "big.png", size: 9_000, type: "image/png", sha256: "sha-big" });
  });

  it("a file whose hash fails fails with that error; the rest of the batch is asked for", async () => {
    const server = new FakeUploadServer(new FakeStorage());
    const ahead = new FileItemsAhead(server.api, {
      ...{ release: () => {}, track: () => {}, answered: () => {} },
      checksums: {
        fieldFor: () => "sha256",
        of: async (key) => {
          if (key === "k1") throw new Error("The file could not be read.");
          return `sha-${key}`;
        },
      },
    });
    const files = queue(3);
    ahead.prepare(() => files);
    await expect(ahead.fileItemFor("k1", bodyOf(files[1]!), signal())).rejects.toThrow("The file could not be read.");
    expect((await ahead.fileItemFor("k2", bodyOf(files[2]!), signal())).file.name).toBe("f2.png");
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.map((body) => body.name))).toEqual([["f0.png", "f2.png"]]);
    expect(server.argsOf("create")).toEqual([]);
  });
});

describe("discard", () => {
  it("releases the file item made ahead once it arrives, and the file's turn no longer finds it", async () => {
    const { server, ahead, released, tracked } = setup();
    server.hold("createMany");
    const files = queue(2);
    ahead.prepare(() => files);
    ahead.discard("k0");
    expect(ahead.has("k0")).toBe(false);
    server.release("createMany");
    await Promise.all(tracked);
    const made = [...server.fileItems.values()].find((fileItem) => fileItem.file.name === "f0.png")!;
    expect(released).toEqual([made.file.id]);
    await settle();
    expect(made.file.status).toBe("aborted");
  });

  it("a file item the batch never made releases nothing", async () => {
    const { server, ahead, released, tracked } = setup();
    server.refuse = () => apiError(413, "quota_exceeded");
    ahead.prepare(() => queue(1));
    ahead.discard("k0");
    await Promise.all(tracked);
    expect(released).toEqual([]);
  });
});
