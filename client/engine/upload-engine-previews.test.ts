import { describe, expect, it, vi } from "vitest";
import { ConnectionPool } from "@/client/connection-pool";
import type { PreviewMaker, PreviewSource } from "@/client/preview/make-preview";
import { UNDECODABLE, type MadePreview } from "@/client/preview/made-preview";
import { PREVIEW_FLUSH_IDLE_MS } from "@/client/preview/preview-batches";
import { PreviewQueue, SMALL_UPLOAD_BYTES, YIELD_AT_MOST_MS, type LandedPreview } from "@/client/preview/preview-queue";
import { StorageError, storageErrorFor } from "@/client/storage-error";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import { MIB } from "@/lib/units";
import { UploadEngine } from "./upload-engine";
import { withQuietFakeTimers } from "@/testing/fakes/quiet-fake-timers";

/**
 * Previews (issue 21) as the engine and the tab's PreviewQueue run them together: a file is done
 * when its bytes are verified and never waits for its preview; the preview is made from the
 * moment the file starts and follows once the file item is uploaded, planned, posted and
 * completed in batches; anything that goes wrong with it is no preview, never a failed or retried file.
 */
const rules = { allowedTypes: ["image/png", "image/jpeg", "video/mp4", "audio/mpeg"], maxBytes: 64 * MIB };
const MULTIPART_FROM = 20;
const xml = (code: string, message = "") => `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
const PREVIEW = () => new Blob([new Uint8Array(1_234)], { type: "image/webp" });

let lastModified = 0;
function fileOf(name: string, size = 10, type = "image/png"): File {
  return new File([new Uint8Array(size)], name, { type, lastModified: ++lastModified });
}

function setup(make: PreviewMaker = vi.fn<PreviewMaker>(async () => PREVIEW()), { withPreviews = true, concurrency = 2, yieldToSmallUploads = false, idleSlots = undefined as { image: number; video: number } | undefined, partSize = 4 } = {}) {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: MULTIPART_FROM, partSize });
  const pool = new ConnectionPool(6);
  const previews = new PreviewQueue({ api: server.previewApi, pool, post: storage.post, putFile: storage.putFile, hash: async (blob: Blob) => `crc-${blob.size}`, make, slots: { image: 2, video: 1 }, yieldToSmallUploads, ...(idleSlots ? { idleSlots } : {}) });
  const landed: LandedPreview[] = [];
  previews.onLanded((batch) => landed.push(...batch));
  const transport = { post: storage.post, putFile: storage.putFile, put: storage.put, hash: async (blob: Blob) => `crc-${blob.size}`, resume: memoryResumeStore() };
  const engine = new UploadEngine(server.api, rules, { transport, pool, ...(withPreviews ? { previews } : {}) });
  engine.setConcurrency(concurrency);
  const statuses = async () => {
    await vi.advanceTimersByTimeAsync(100);
    return engine.getSnapshot().items.map((item) => item.status);
  };
  /** The routes called, in order, leaving out the noise of parts. */
  const routes = () => server.calls.map((call) => call.route).filter((route) => route !== "signParts" && route !== "reportParts");
  const previewOf = (id: string) => server.fileItems.get(id)!.file.previewUrl;
  return { storage, server, engine, previews, statuses, routes, make, landed, previewOf };
}

/** A maker whose previews the test hands out one by one. */
function heldMaker() {
  const pending: Array<{ source: PreviewSource; signal: AbortSignal; finish: (made: MadePreview) => void }> = [];
  const make: PreviewMaker = (source, signal) => new Promise((resolve) => pending.push({ source, signal, finish: resolve }));
  return { make, pending };
}

const settle = () => vi.advanceTimersByTimeAsync(0);
/** Past the batch's idle delay, and any retry's backoff. */
const later = () => vi.advanceTimersByTimeAsync(60_000);
/** Well within YIELD_AT_MOST_MS. */
const soon = () => vi.advanceTimersByTimeAsync(1_000);

withQuietFakeTimers();

describe("a file is done when its bytes are verified", () => {
  it("completes without waiting for a preview still being made, which then follows and lands", async () => {
    const { make, pending } = heldMaker();
    const { server, storage, engine, statuses, routes, landed, previewOf } = setup(make);
    const photo = fileOf("photo.png");
    engine.add([photo]);
    expect(await statuses()).toEqual(["done"]);
    expect(routes()).toEqual(["createMany", "complete"]);
    // Made from the file the engine started, while it was sent.
    expect(pending.map((p) => p.source)).toEqual([{ type: "image/png", file: photo }]);

    pending[0]!.finish(PREVIEW());
    await settle();
    expect(server.argsOf("planPreviews")).toEqual([]);
    await vi.advanceTimersByTimeAsync(PREVIEW_FLUSH_IDLE_MS);
    expect(routes()).toEqual(["createMany", "complete", "planPreviews", "completePreviews"]);
    expect(server.argsOf("planPreviews")).toEqual([[{ fileItemId: "file-1", size: 1_234, type: "image/webp", checksum: "crc-1234" }]]);
    expect(storage.posts.map((post) => [post.target, post.size, post.state])).toEqual([
      ["key-file-1", 10, "stored"],
      ["key-file-1.preview", 1_234, "stored"],
    ]);
    expect(previewOf("file-1")).toContain("key-file-1.preview");
    expect(landed).toEqual([{ fileItemId: "file-1", previewUrl: previewOf("file-1") }]);
  });

  it("keeps a preview made before its file is uploaded until it is, then sends it", async () => {
    const { server, storage, engine, statuses, previewOf } = setup();
    storage.hold = true;
    engine.add([fileOf("photo.png")]);
    await later();
    expect(server.argsOf("planPreviews")).toEqual([]);
    expect(await statuses()).toEqual(["uploading"]);
    storage.hold = false;
    storage.posts[0]!.finish();
    expect(await statuses()).toEqual(["done"]);
    await later();
    expect(server.argsOf("planPreviews")).toHaveLength(1);
    expect(previewOf("file-1")).not.toBeNull();
  });

  it("sends a multipart video's preview after its multipart complete", async () => {
    const { storage, engine, statuses, routes, previewOf } = setup();
    engine.add([fileOf("clip.mp4", MULTIPART_FROM + 3, "video/mp4")]);
    expect(await statuses()).toEqual(["done"]);
    await later();
    expect(routes().slice(-3)).toEqual(["completeMultipart", "planPreviews", "completePreviews"]);
    expect(storage.posts.map((post) => post.target)).toEqual(["key-file-1.preview"]);
    expect(previewOf("file-1")).not.toBeNull();
  });
});

describe("previews leave in batches", () => {
  it("sends 200 photos' previews in a handful of plan and complete requests, every one landing", async () => {
    // Each preview takes 10 ms to make, two at a time, so they come steadily for a second.
    const make = vi.fn<PreviewMaker>(() => new Promise((resolve) => setTimeout(() => resolve(PREVIEW()), 10)));
    const { server, engine, statuses, landed } = setup(make, { concurrency: 6 });
    engine.add(Array.from({ length: 200 }, (_, i) => fileOf(`photo-${i}.png`)));
    await later();
    expect(new Set(await statuses())).toEqual(new Set(["done"]));
    const plans = server.argsOf<unknown[]>("planPreviews");
    const completes = server.argsOf<string[]>("completePreviews");
    expect(plans.length).toBeLessThanOrEqual(4);
    expect(completes.length).toBe(plans.length);
    expect(plans.flat()).toHaveLength(200);
    expect(new Set(landed.map((p) => p.fileItemId)).size).toBe(200);
    expect([...server.fileItems.values()].every((item) => item.file.previewUrl !== null)).toBe(true);
  });

  it("makes previews in the order their files start, never more at once than the makers", async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const make = vi.fn<PreviewMaker>(async (source) => {
      order.push(("file" in source && source.file instanceof File ? source.file.name : "?"));
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
      return PREVIEW();
    });
    const { engine, landed } = setup(make, { concurrency: 6 });
    const names = Array.from({ length: 12 }, (_, i) => `photo-${i}.png`);
    engine.add(names.map((name) => fileOf(name)));
    await later();
    expect(most).toBe(2);
    expect(order).toEqual(names);
    expect(landed).toHaveLength(12);
  });
});

describe("on a machine of few cores, previews wait while small files are sent (yieldToSmallUploads)", () => {
  it("makes no preview while a small file is on the wire, and every one once the last is done", async () => {
    const { make, pending } = heldMaker();
    const { storage, engine, statuses, landed } = setup(make, { yieldToSmallUploads: true, concurrency: 2 });
    storage.hold = true;
    engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("c.png")]);
    await soon();
    expect(await statuses()).toEqual(["uploading", "uploading", "waiting"]);
    storage.open(storage.posts)[0]!.finish();
    await soon();
    // a is done, c took its place: still a small file on the wire.
    expect(await statuses()).toEqual(["done", "uploading", "uploading"]);
    expect(pending).toHaveLength(0);
    for (const post of storage.open(storage.posts)) post.finish();
    expect(await statuses()).toEqual(["done", "done", "done"]);
    // Two makers, in the order the files started.
    expect(pending.map((p) => "file" in p.source && p.source.file instanceof File && p.source.file.name)).toEqual(["a.png", "b.png"]);
    storage.hold = false;
    for (let i = 0; i < 3; i++) {
      pending[i]!.finish(PREVIEW());
      await settle();
    }
    await later();
    expect(landed.map((p) => p.fileItemId).sort()).toEqual(["file-1", "file-2", "file-3"]);
  });

  it("a file cancelled or failed, or paused, stops holding them", async () => {
    const { make, pending } = heldMaker();
    const { storage, engine, statuses } = setup(make, { yieldToSmallUploads: true, concurrency: 3 });
    storage.hold = true;
    const [photo, clip] = engine.add([fileOf("photo.png"), fileOf("clip.mp4", MULTIPART_FROM + 7, "video/mp4"), fileOf("other.png")]);
    await soon();
    expect(await statuses()).toEqual(["uploading", "uploading", "uploading"]);
    engine.cancel(photo!);
    storage.open(storage.posts).find((post) => post.target.includes("file-3"))!.fail(storageErrorFor(403, xml("AccessDenied", "Invalid according to Policy")));
    await soon();
    expect(pending).toHaveLength(0);
    engine.pause(clip!);
    await settle();
    expect((await statuses()).slice(1)).toEqual(["paused", "failed"]);
    // The failed file's preview went with it.
    expect(pending.map((p) => "file" in p.source && p.source.file instanceof File && p.source.file.name)).toEqual(["clip.mp4"]);
  });

  it("makes them with the idle slots once no file at all is being sent, with the busy slots beside a big one", async () => {
    const { make, pending } = heldMaker();
    const { storage, engine } = setup(make, { yieldToSmallUploads: true, idleSlots: { image: 3, video: 1 }, concurrency: 4, partSize: 4 * MIB });
    storage.hold = true;
    const [, , , big] = engine.add([fileOf("a.png"), fileOf("b.png"), fileOf("c.png"), new File([new Uint8Array(SMALL_UPLOAD_BYTES + 1)], "big.png", { type: "image/png" })]);
    await soon();
    expect(pending).toHaveLength(0);
    for (const post of storage.open(storage.posts)) post.finish();
    await soon();
    // Only the big file on the wire: two makers, as `slots` says.
    expect(pending).toHaveLength(2);
    engine.cancel(big!);
    await soon();
    expect(pending.map((p) => "file" in p.source && p.source.file instanceof File && p.source.file.name)).toEqual(["a.png", "b.png", "c.png"]);
  });

  it("holds none longer than YIELD_AT_MOST_MS: on a long stream, previews follow the files that far behind", async () => {
    const { make, pending } = heldMaker();
    const { storage, engine } = setup(make, { yieldToSmallUploads: true });
    storage.hold = true;
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    await vi.advanceTimersByTimeAsync(YIELD_AT_MOST_MS - 100);
    expect(pending).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(pending.map((p) => "file" in p.source && p.source.file instanceof File && p.source.file.name)).toEqual(["a.png", "b.png"]);
    expect(storage.open(storage.posts)).toHaveLength(2);
  });

  it("does not hold them for a file bigger than SMALL_UPLOAD_BYTES: its time is the link's", async () => {
    const { make, pending } = heldMaker();
    const { storage, engine, statuses } = setup(make, { yieldToSmallUploads: true, partSize: 4 * MIB });
    storage.hold = true;
    engine.add([new File([new Uint8Array(SMALL_UPLOAD_BYTES + 1)], "big.png", { type: "image/png" })]);
    await soon();
    expect(await statuses()).toEqual(["uploading"]);
    expect(pending).toHaveLength(1);
  });
});

describe("a preview that fails is no preview, never a failed or retried file", () => {
  it.each([
    ["answers null", vi.fn<PreviewMaker>(async () => null)],
    ["throws", vi.fn<PreviewMaker>(async () => Promise.reject(new Error("decoder crashed")))],
  ])("the file is done and nothing is planned when the maker %s", async (_, make) => {
    const { engine, statuses, routes, landed } = setup(make);
    engine.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["done"]);
    await later();
    expect(routes()).toEqual(["createMany", "complete"]);
    expect(landed).toEqual([]);
  });

  it("a picture that would not decode is reported once its file is uploaded, beside the batch's previews, in one request", async () => {
    const { make, pending } = heldMaker();
    const { server, storage, engine, previews, statuses, landed } = setup(make);
    storage.hold = true;
    engine.add([fileOf("broken.png"), fileOf("photo.png")]);
    await settle();
    pending[0]!.finish(UNDECODABLE);
    pending[1]!.finish(PREVIEW());
    await later();
    // Its file item is not uploaded yet: nothing to report it of.
    expect(server.argsOf("reportFailedPreviews")).toEqual([]);
    storage.hold = false;
    for (const post of storage.posts) post.finish();
    expect(await statuses()).toEqual(["done", "done"]);
    await later();
    expect(server.argsOf("reportFailedPreviews")).toEqual([["file-1"]]);
    expect(server.argsOf("planPreviews")).toEqual([[expect.objectContaining({ fileItemId: "file-2" })]]);
    expect(server.fileItems.get("file-1")!.file.previewWanted).toBe(false);
    expect(landed.map((p) => p.fileItemId)).toEqual(["file-2"]);
    expect(previews.requests).toEqual({ plans: 1, completes: 1, failures: 1 });
    expect(previews.stats.pending).toBe(0);
  });

  it("a picture that would not decode, of a file cancelled before it was uploaded, is never reported", async () => {
    const { make, pending } = heldMaker();
    const { server, storage, engine, previews } = setup(make);
    storage.hold = true;
    engine.add([fileOf("broken.png")]);
    await settle();
    pending[0]!.finish(UNDECODABLE);
    engine.cancel(engine.getSnapshot().items[0]!.key);
    await later();
    expect(server.argsOf("reportFailedPreviews")).toEqual([]);
    expect(previews.stats.pending).toBe(0);
  });

  it.each([
    ["refused as too large (413)", apiError(413, "too_large")],
    ["refused as not previewable (409)", apiError(409, "not_previewable")],
  ])("a preview %s is dropped, and the rest of its batch lands", async (_, error) => {
    const { server, storage, engine, statuses, previewOf } = setup();
    server.refusePreview = (plan) => (plan.fileItemId === "file-1" ? error : null);
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    expect(await statuses()).toEqual(["done", "done"]);
    await later();
    expect(server.argsOf("planPreviews")).toHaveLength(1);
    expect(server.argsOf("completePreviews")).toEqual([["file-2"]]);
    expect(storage.posts.map((post) => post.target)).not.toContain("key-file-1.preview");
    expect(previewOf("file-1")).toBeNull();
    expect(previewOf("file-2")).not.toBeNull();
  });

  it("completes again a preview whose own check met a busy store (regression: it never landed in this tab, its card kept the placeholder)", async () => {
    const { server, engine, statuses, previewOf, landed } = setup();
    let busy = 1;
    server.refuseCompletePreview = (id) => (id === "file-1" && busy-- > 0 ? apiError(503, "storage_unavailable") : null);
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    expect(await statuses()).toEqual(["done", "done"]);
    await later();
    expect(server.argsOf("completePreviews")).toEqual([["file-1", "file-2"], ["file-1"]]);
    expect(landed.map((preview) => preview.fileItemId).sort()).toEqual(["file-1", "file-2"]);
    expect(previewOf("file-1")).not.toBeNull();
    expect(previewOf("file-2")).not.toBeNull();
  });

  it("does not complete again a preview its complete refused outright", async () => {
    const { server, engine, statuses, previewOf } = setup();
    server.refuseCompletePreview = (id) => (id === "file-1" ? apiError(409, "preview_invalid") : null);
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    expect(await statuses()).toEqual(["done", "done"]);
    await later();
    expect(server.argsOf("completePreviews")).toEqual([["file-1", "file-2"]]);
    expect(previewOf("file-1")).toBeNull();
  });

  it("tries a plan request that was not answered again, as the API's retry policy says", async () => {
    const { server, engine, previewOf } = setup();
    server.failNext("planPreviews", apiError(503, "storage_unavailable"), apiError(0, "network_error"));
    engine.add([fileOf("photo.png")]);
    await later();
    expect(server.argsOf("planPreviews")).toHaveLength(3);
    expect(previewOf("file-1")).not.toBeNull();
  });

  it("gives up on a plan request refused outright (400), without a retry", async () => {
    const { server, engine, statuses } = setup();
    server.failNext("planPreviews", apiError(400, "bad_request"));
    engine.add([fileOf("photo.png")]);
    await later();
    expect(await statuses()).toEqual(["done"]);
    expect(server.argsOf("planPreviews")).toHaveLength(1);
    expect(server.argsOf("completePreviews")).toEqual([]);
  });

  it.each([
    ["refused by storage (403)", new StorageError("storage_refused", "refused", 403), 1],
    ["answered 503 SlowDown, then stored", new StorageError("storage_error", "slow down", 503, "<Error><Code>SlowDown</Code></Error>"), 2],
  ])("a preview POST %s", async (_, error, posts) => {
    const { server, storage, engine, statuses, previewOf } = setup();
    engine.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["done"]);
    storage.failNextPosts(error);
    await later();
    expect(storage.posts.filter((post) => post.target === "key-file-1.preview")).toHaveLength(posts);
    expect(server.argsOf("completePreviews")).toEqual(posts === 1 ? [] : [["file-1"]]);
    expect(previewOf("file-1") !== null).toBe(posts === 2);
    expect(server.argsOf("complete")).toEqual(["file-1"]);
  });

  it("drops the preview of a file that fails, and makes it again when the file is retried", async () => {
    const { make, pending } = heldMaker();
    const { server, engine, statuses } = setup(make);
    server.failNext("complete", apiError(409, "upload_incomplete"));
    engine.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["failed"]);
    expect(pending[0]!.signal.aborted).toBe(true);
    engine.retry(engine.getSnapshot().items[0]!.key);
    expect(await statuses()).toEqual(["done"]);
    expect(pending).toHaveLength(2);
    pending[1]!.finish(PREVIEW());
    await later();
    expect(server.argsOf("completePreviews")).toHaveLength(1);
  });
});

describe("dropped previews", () => {
  it("cancelling a file while its preview is made stops making it, and nothing is planned", async () => {
    const { make, pending } = heldMaker();
    const { server, storage, engine, statuses } = setup(make);
    storage.hold = true;
    engine.add([fileOf("photo.png")]);
    await settle();
    engine.cancel(engine.getSnapshot().items[0]!.key);
    expect(await statuses()).toEqual(["cancelled"]);
    expect(pending[0]!.signal.aborted).toBe(true);
    pending[0]!.finish(PREVIEW());
    await later();
    expect(server.argsOf("planPreviews")).toEqual([]);
  });

  it("signing out drops previews being made and those waiting for their batch", async () => {
    const { make, pending } = heldMaker();
    const { server, engine, statuses, previews } = setup(make);
    engine.add([fileOf("a.png"), fileOf("b.png")]);
    expect(await statuses()).toEqual(["done", "done"]);
    pending[0]!.finish(PREVIEW());
    await settle();
    previews.clear();
    expect(pending[1]!.signal.aborted).toBe(true);
    pending[1]!.finish(PREVIEW());
    await later();
    expect(server.argsOf("planPreviews")).toEqual([]);
    expect(previews.stats.pending).toBe(0);
  });

  it("a file deleted after its preview was made is not planned", async () => {
    const { server, engine, statuses, previews } = setup();
    engine.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["done"]);
    previews.forget("file-1");
    await later();
    expect(server.argsOf("planPreviews")).toEqual([]);
  });
});

describe("files without previews", () => {
  it("makes none for a type that has none (audio)", async () => {
    const { engine, statuses, routes, make } = setup();
    engine.add([fileOf("song.mp3", 10, "audio/mpeg")]);
    expect(await statuses()).toEqual(["done"]);
    await later();
    expect(make).not.toHaveBeenCalled();
    expect(routes()).toEqual(["createMany", "complete"]);
  });

  it("makes none when the engine is given no preview queue (the CLI)", async () => {
    const { engine, statuses, routes, make } = setup(undefined, { withPreviews: false });
    engine.add([fileOf("photo.png"), fileOf("clip.mp4", MULTIPART_FROM, "video/mp4")]);
    expect(await statuses()).toEqual(["done", "done"]);
    await later();
    expect(make).not.toHaveBeenCalled();
    expect(routes()).not.toContain("planPreviews");
  });
});
