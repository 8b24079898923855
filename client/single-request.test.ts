import { describe, expect, it, vi } from "vitest";
import { ANY_BACKOFF_MS, settle, withFakeTimers } from "@/testing/fakes/fake-timers";
import { ConnectionPool } from "@/client/connection-pool";
import type { CreateUploadBody, PostUploadTarget, PutUploadTarget } from "@/lib/contracts/upload-schemas";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { runSingleRequest } from "./single-request";
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";
import type { Tracer } from "@/client/tracer";

/**
 * A small file's one request (create is the engine's; this is the POST or PUT, renew and complete),
 * against in-memory stand-ins for our API and storage. Backoffs run on fake timers.
 */
const xml = (code: string, message = "") => `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
withFakeTimers();

describe("runSingleRequest with a POST form", () => {
  const body: CreateUploadBody = { name: "a.png", size: 10, type: "image/png" };

  async function setup(options: { policyTtlMs?: number; tracer?: Tracer } = {}) {
    const storage = new FakeStorage();
    const server = new FakeUploadServer(storage, options);
    const { file: fileItem, upload } = await server.api.create(body);
    const pool = new ConnectionPool(2);
    const controller = new AbortController();
    const events: string[] = [];
    const run = () =>
      runSingleRequest({
        strategy: "post",
        api: server.api,
        pool,
        file: new File([new Uint8Array(body.size)], body.name, { type: body.type }),
        body,
        fileItem,
        upload: upload as PostUploadTarget,
        signal: controller.signal,
        onCreated: (id) => events.push(`created ${id}`),
        onProgress: () => {},
        onRetrying: () => events.push("retrying"),
        onVerifying: () => events.push("verifying"),
        send: storage.post,
        tracer: options.tracer,
      });
    return { storage, server, pool, controller, events, fileItem, run };
  }

  it("POSTs the file with its policy, then completes it", async () => {
    const { storage, server, events, fileItem, run } = await setup();
    const done = await run();
    expect(done).toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(storage.posts.map((post) => post.target)).toEqual([`key-${fileItem.id}`]);
    expect(server.argsOf("complete")).toEqual([fileItem.id]);
    expect(events).toEqual(["verifying"]);
  });

  it("reports the slot wait, the POST and the complete to a tracer, when it has one", async () => {
    const spans: string[] = [];
    const { run } = await setup({ tracer: { span: (name, start, end) => void (end >= start && spans.push(name)) } });
    await run();
    expect(spans).toEqual(["post:slot", "post:send", "post:complete"]);
  });

  it("holds a storage connection only while the POST is on the wire", async () => {
    const { storage, server, pool, run } = await setup();
    storage.hold = true;
    server.hold("complete");
    const done = run();
    await settle();
    expect(pool.inUse).toBe(1);
    storage.posts[0]!.finish();
    await settle();
    expect(server.argsOf("complete")).toHaveLength(1);
    expect(pool.inUse).toBe(0);
    server.release("complete");
    await done;
  });

  it.each([
    ["no answer", storageUnreachable()],
    ["503 SlowDown", storageErrorFor(503, xml("SlowDown"))],
    ["400 MalformedPOSTRequest", storageErrorFor(400, xml("MalformedPOSTRequest"))],
  ])("after %s, sends the same POST again (same file item, same policy) and says so", async (_, failure) => {
    const { storage, server, events, fileItem, run } = await setup();
    storage.failNextPosts(failure);
    const done = run();
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    await expect(done).resolves.toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(storage.posts.map((post) => post.target)).toEqual([`key-${fileItem.id}`, `key-${fileItem.id}`]);
    expect(server.argsOf("create")).toHaveLength(1);
    expect(events).toEqual(["retrying", "verifying"]);
  });

  it("waits the Retry-After storage's 503 asked for before the re-send", async () => {
    const { storage, run } = await setup();
    storage.failNextPosts(storageErrorFor(503, xml("SlowDown"), "4"));
    const done = run();
    await vi.advanceTimersByTimeAsync(3_999);
    expect(storage.posts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(storage.posts).toHaveLength(2);
    await done;
  });

  it.each([
    ["403 a policy condition broken", storageErrorFor(403, xml("AccessDenied", "Invalid according to Policy"))],
    ["400 EntityTooLarge", storageErrorFor(400, xml("EntityTooLarge"))],
    ["415", storageErrorFor(415, "")],
  ])("fails at once on %s: no re-send, no complete", async (_, failure) => {
    const { storage, server, events, run } = await setup();
    storage.failNextPosts(failure);
    await expect(run()).rejects.toBe(failure);
    expect(storage.posts).toHaveLength(1);
    expect(server.argsOf("complete")).toEqual([]);
    expect(events).toEqual([]);
  });

  it("an expired policy gets a fresh file item: the old one is released and the new one POSTed and completed", async () => {
    const { storage, server, events, fileItem, run } = await setup();
    storage.failNextPosts(storageErrorFor(403, xml("AccessDenied", "Request has expired")));
    const running = run();
    await vi.runAllTimersAsync();
    const done = await running;
    const [fresh] = server.argsOf<CreateUploadBody>("create").slice(1);
    expect(fresh).toMatchObject({ ...body, idempotencyKey: expect.any(String) });
    expect(done.id).not.toBe(fileItem.id);
    expect(server.argsOf("cancel")).toEqual([fileItem.id]);
    expect(storage.posts.map((post) => post.target)).toEqual([`key-${fileItem.id}`, `key-${done.id}`]);
    expect(server.argsOf("complete")).toEqual([done.id]);
    expect(events).toEqual(["retrying", `created ${done.id}`, "verifying"]);
  });

  it("a dropped POST whose policy has expired by the browser's clock renews instead of sending it again", async () => {
    // The policy expires within isPolicyExpired's margin, so a re-send could not finish in time.
    const { storage, server, fileItem, run } = await setup({ policyTtlMs: 1_000 });
    storage.failNextPosts(storageUnreachable());
    const done = run();
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    const file = await done;
    expect(server.argsOf("cancel")).toEqual([fileItem.id]);
    expect(storage.posts.map((post) => post.target)).toEqual([`key-${fileItem.id}`, `key-${file.id}`]);
  });

  it("a cancel while the fresh file item is being signed releases that file item too", async () => {
    const { storage, server, controller, events, fileItem, run } = await setup();
    storage.failNextPosts(storageErrorFor(403, xml("AccessDenied", "Request has expired")));
    server.hold("create");
    const done = run();
    const outcome = expect(done).rejects.toBe("cancelled");
    await settle();
    expect(server.argsOf("create")).toHaveLength(2);
    controller.abort("cancelled");
    server.release("create");
    await outcome;
    const freshId = [...server.fileItems.keys()].find((id) => id !== fileItem.id);
    expect(server.argsOf("cancel")).toEqual([fileItem.id, freshId]);
    expect(storage.posts).toHaveLength(1);
    expect(events).toEqual(["retrying"]);
  });

  it("a cancel during the backoff sends nothing more", async () => {
    const { storage, server, controller, run } = await setup();
    storage.failNextPosts(storageErrorFor(503, xml("SlowDown"), "10"));
    const done = run();
    const outcome = expect(done).rejects.toBe("cancelled");
    await settle();
    controller.abort("cancelled");
    await outcome;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(storage.posts).toHaveLength(1);
    expect(server.argsOf("complete")).toEqual([]);
  });

  it("a complete answered 503 is asked again; the POST is not re-sent", async () => {
    const { storage, server, fileItem, run } = await setup();
    server.failNext("complete", apiError(503, "storage_unavailable"));
    const done = run();
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    await expect(done).resolves.toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(server.argsOf("complete")).toEqual([fileItem.id, fileItem.id]);
    expect(storage.posts).toHaveLength(1);
  });
});

describe("runSingleRequest with a presigned PUT", () => {
  const body: CreateUploadBody = { name: "a.png", size: 10, type: "image/png", checksum: "AAAAAA==" };
  const alreadyStored = (err: unknown) => (err as { status?: number }).status === 412;

  async function setup() {
    const storage = new FakeStorage();
    const server = new FakeUploadServer(storage, { smallUploads: "put" });
    const { file: fileItem, upload } = await server.api.create(body);
    const events: string[] = [];
    const run = () =>
      runSingleRequest({
        strategy: "put",
        api: server.api,
        pool: new ConnectionPool(2),
        send: storage.putFile,
        stored: alreadyStored,
        file: new File([new Uint8Array(body.size)], body.name, { type: body.type }),
        body,
        fileItem,
        upload: upload as PutUploadTarget,
        signal: new AbortController().signal,
        onCreated: (id) => events.push(`created ${id}`),
        onProgress: () => {},
        onRetrying: () => events.push("retrying"),
        onVerifying: () => events.push("verifying"),
      });
    return { storage, server, events, fileItem, upload: upload as PutUploadTarget, run };
  }

  it("PUTs the file to its URL with exactly the signed headers, then completes it", async () => {
    const { storage, server, events, fileItem, upload, run } = await setup();
    await expect(run()).resolves.toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(storage.filePuts.map((put) => put.target)).toEqual([upload.url]);
    expect(storage.filePutHeaders).toEqual([upload.headers]);
    expect(server.argsOf("complete")).toEqual([fileItem.id]);
    expect(events).toEqual(["verifying"]);
  });

  it("a 412 (a write-once URL sent again after its answer was lost) means the bytes are there: it completes, sending nothing more", async () => {
    const { storage, server, events, fileItem, upload, run } = await setup();
    storage.objects.add(upload.url);
    storage.failNextFilePuts(storageErrorFor(412, xml("PreconditionFailed")));
    await expect(run()).resolves.toMatchObject({ id: fileItem.id, status: "uploaded" });
    expect(storage.filePuts).toHaveLength(1);
    expect(server.argsOf("complete")).toEqual([fileItem.id]);
    expect(events).toEqual(["verifying"]);
  });

  it("an expired URL gets a fresh file item with the same body (its checksum too) and PUTs again", async () => {
    const { storage, server, events, fileItem, run } = await setup();
    storage.failNextFilePuts(storageErrorFor(403, xml("AccessDenied", "Request has expired")));
    const running = run();
    await vi.runAllTimersAsync();
    const done = await running;
    expect(server.argsOf<CreateUploadBody>("create").slice(1)).toEqual([{ ...body, idempotencyKey: expect.any(String) }]);
    expect(server.argsOf("cancel")).toEqual([fileItem.id]);
    expect(storage.filePuts.map((put) => put.target)).toEqual([`key-${fileItem.id}`, `key-${done.id}`]);
    expect(events).toEqual(["retrying", `created ${done.id}`, "verifying"]);
  });
});
