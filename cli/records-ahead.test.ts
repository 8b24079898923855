import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { PREPARED_POLICY_MIN_LIFE_MS } from "@/client/queue/prepare-ahead";
import type { CreateUploadBody, CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import { MIB } from "@/lib/units";
import { RETRY_MAX_DELAY_MS } from "@/client/retry-policy";
import { PREPARE_BATCH_FILES } from "./prepare-batches";
import { RecordsAhead, type QueuedFile, type RecordApi } from "./records-ahead";

/**
 * The CLI's records made ahead, against the browser engine's in-memory API
 * (testing/fakes/fake-upload-api.ts): which requests a run makes, and what a file's turn
 * does when its record made ahead is missing, refused, failed or nearly expired. No network;
 * backoffs run on fake timers.
 */
const MULTIPART_FROM = 100 * MIB;

const queued = (i: number, size = 2_000, name = `f${i}.png`): QueuedFile => ({ path: `/tmp/${name}`, name, planned: { key: String(i), name, size, type: "image/png" } });
/** The file as measured on its turn; one that could not be measured before the run has appeared since, with 100 bytes. */
const bodyOf = (file: QueuedFile): CreateUploadBody => ({ name: file.name, size: file.planned?.size ?? 100, type: "image/png" });
const settle = () => vi.advanceTimersByTimeAsync(0);

function setup(options: { policyTtlMs?: number } = {}) {
  const server = new FakeUploadServer(new FakeStorage(), { multipartFrom: MULTIPART_FROM, ...options });
  const batchKeys = () => server.argsOf<CreateUploadBody[]>("createMany").flatMap((bodies) => bodies.map((body) => body.idempotencyKey));
  return { server, api: server.api as RecordApi, batchKeys };
}

/** Every file's turn, `parallel` at a time as the CLI's workers take them; each turn's answer by file name. */
async function runAll(records: RecordsAhead, parallel = 4): Promise<Map<string, CreateUploadResponse | unknown>> {
  const answers = new Map<string, CreateUploadResponse | unknown>();
  const worker = async () => {
    for (let turn = records.next(); turn; turn = records.next()) {
      const { file } = turn;
      answers.set(file.name, await turn.record(bodyOf(file), new AbortController().signal).catch((err: unknown) => err));
    }
  };
  const done = Promise.all(Array.from({ length: parallel }, worker));
  // Backoffs (when a test makes requests fail) run on fake timers.
  for (let i = 0; i < 50; i++) await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS);
  await done;
  return answers;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a run's create requests", () => {
  it.each([1, 30, 300, 1_000])("%i small files: one batch create per 24 files, no create of their own, one record each", async (count) => {
    const { server, api } = setup();
    const files = Array.from({ length: count }, (_, i) => queued(i));
    const answers = await runAll(new RecordsAhead(api, files));
    expect(server.argsOf("create")).toEqual([]);
    const batches = server.argsOf<CreateUploadBody[]>("createMany");
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(PREPARE_BATCH_FILES);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(count / PREPARE_BATCH_FILES) + 1);
    expect(server.records.size).toBe(count);
    const ids = files.map((file) => (answers.get(file.name) as CreateUploadResponse).file);
    expect(ids.map((record) => record.name)).toEqual(files.map((file) => file.name));
    expect(new Set(ids.map((record) => record.id)).size).toBe(count);
  });

  it("big files, and files that could not be measured, create on their own turn; the small ones around them are batched", async () => {
    const { server, api } = setup();
    const files = [queued(0), queued(1, 200 * MIB, "movie.png"), queued(2), { path: "/tmp/late.png", name: "late.png", planned: null }, queued(4)];
    const answers = await runAll(new RecordsAhead(api, files), 1);
    expect(server.argsOf<CreateUploadBody[]>("createMany").map((bodies) => bodies.map((body) => body.name))).toEqual([["f0.png", "f2.png", "f4.png"]]);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.name)).toEqual(["movie.png", "late.png"]);
    expect((answers.get("movie.png") as CreateUploadResponse).upload.strategy).toBe("multipart");
    expect((answers.get("late.png") as CreateUploadResponse).file.size).toBe(100);
  });
});

describe("a file's turn when its record made ahead is not usable", () => {
  it("429 on a batch: waits Retry-After, sends the same batch again, and no file creates on its own", async () => {
    const { server, api, batchKeys } = setup();
    server.failNext("createMany", apiError(429, "rate_limited", 7_000));
    const records = new RecordsAhead(api, [queued(0), queued(1)]);
    const turn = records.next()!;
    const answer = turn.record(bodyOf(turn.file), new AbortController().signal);
    await vi.advanceTimersByTimeAsync(6_999);
    expect(server.argsOf("createMany")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.argsOf("createMany")).toHaveLength(2);
    expect((await answer).file.name).toBe("f0.png");
    expect(batchKeys().slice(0, 2)).toEqual(batchKeys().slice(2));
    expect(server.argsOf("create")).toEqual([]);
  });

  it("a batch whose answers never arrive: each file creates on its own with its batch key, so the records stored are used, not doubled", async () => {
    const { server, api, batchKeys } = setup();
    // Every try of the batch stores its records, then the answer is lost.
    const lossy: RecordApi = {
      ...api,
      createMany: async (bodies) => {
        await server.api.createMany(bodies);
        throw apiError(0, "network_error");
      },
    };
    const files = Array.from({ length: 30 }, (_, i) => queued(i));
    const answers = await runAll(new RecordsAhead(lossy, files), 2);
    expect(files.every((file) => (answers.get(file.name) as CreateUploadResponse).file.name === file.name)).toBe(true);
    expect(server.records.size).toBe(30);
    const ownKeys = server.argsOf<CreateUploadBody>("create").map((body) => body.idempotencyKey);
    expect(ownKeys).toHaveLength(30);
    expect(new Set(batchKeys())).toEqual(new Set(ownKeys));
  });

  it("a batch that fails with a server error falls back to each file's own create, with retries", async () => {
    const { server, api } = setup();
    server.failNext("createMany", ...Array.from({ length: 5 }, () => apiError(503, "storage_unavailable")));
    server.failNext("create", apiError(503, "storage_unavailable"));
    const answers = await runAll(new RecordsAhead(api, [queued(0), queued(1)]), 1);
    expect(server.argsOf("createMany")).toHaveLength(5);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.name)).toEqual(["f0.png", "f0.png", "f1.png"]);
    expect([...answers.values()].map((answer) => (answer as CreateUploadResponse).file.name)).toEqual(["f0.png", "f1.png"]);
  });

  it("a file the batch refused fails with that refusal, without asking again", async () => {
    const { server, api } = setup();
    server.refuse = (body) => (body.name === "f1.png" ? apiError(415, "unsupported_type") : null);
    const answers = await runAll(new RecordsAhead(api, [queued(0), queued(1), queued(2)]), 1);
    expect(answers.get("f1.png")).toMatchObject({ status: 415, code: "unsupported_type" });
    expect((answers.get("f2.png") as CreateUploadResponse).file.name).toBe("f2.png");
    expect(server.argsOf("create")).toEqual([]);
  });

  it("a policy close to PREPARED_POLICY_MIN_LIFE_MS is asked for again with the same key: the same record, signed anew", async () => {
    const { server, api, batchKeys } = setup({ policyTtlMs: PREPARED_POLICY_MIN_LIFE_MS + 5_000 });
    const records = new RecordsAhead(api, [queued(0), queued(1)]);
    const first = records.next()!;
    await settle();
    const made = [...server.records.values()].find((record) => record.file.name === "f0.png")!;
    await vi.advanceTimersByTimeAsync(5_000);
    const answer = await first.record(bodyOf(first.file), new AbortController().signal);
    expect(server.argsOf<CreateUploadBody>("create").map((body) => body.idempotencyKey)).toEqual([batchKeys()[0]]);
    expect(answer.file.id).toBe(made.file.id);
    expect(server.records.size).toBe(2);
    expect(server.argsOf("cancel")).toEqual([]);
  });

  it("a file changed on disk since it was measured gets a record for its new size; the one made ahead is released", async () => {
    const { server, api, batchKeys } = setup();
    const records = new RecordsAhead(api, [queued(0), queued(1)]);
    const turn = records.next()!;
    const answer = await turn.record({ ...bodyOf(turn.file), size: 2_500 }, new AbortController().signal);
    expect(answer.file.size).toBe(2_500);
    const own = server.argsOf<CreateUploadBody>("create");
    expect(own).toHaveLength(1);
    expect(batchKeys()).not.toContain(own[0]!.idempotencyKey);
    const stale = [...server.records.values()].find((record) => record.file.name === "f0.png" && record.file.size === 2_000)!;
    expect(server.argsOf("cancel")).toEqual([stale.file.id]);
  });

  it("a file that can't be read on its turn gives back its record made ahead", async () => {
    const { server, api } = setup();
    const records = new RecordsAhead(api, [queued(0), queued(1)]);
    await records.next()!.discard();
    const released = [...server.records.values()].find((record) => record.file.name === "f0.png")!;
    expect(server.argsOf("cancel")).toEqual([released.file.id]);
    expect(released.file.status).toBe("aborted");
  });
});
