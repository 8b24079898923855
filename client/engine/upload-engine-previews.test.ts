import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StorageError } from "@/client/storage-error";
import type { PreviewMaker } from "@/client/preview/make-preview";
import { PREVIEW_SEND_TIMEOUT_MS, PREVIEW_WAIT_MS } from "@/client/preview/preview-task";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import { MIB } from "@/lib/units";
import { UploadEngine } from "./upload-engine";

/**
 * Previews (issue 16) as the store runs them: made from the moment a photo or video starts, sent
 * just before its complete, and dropped, never retried, when anything goes wrong: the file itself
 * completes exactly once either way.
 */
const rules = { allowedTypes: ["image/png", "image/jpeg", "video/mp4", "audio/mpeg"], maxBytes: 64 * MIB };
const MULTIPART_FROM = 20;
const PREVIEW = () => new Blob([new Uint8Array(1_234)], { type: "image/webp" });

let lastModified = 0;
function fileOf(name: string, size = 10, type = "image/png"): File {
  return new File([new Uint8Array(size)], name, { type, lastModified: ++lastModified });
}

function setup(make: PreviewMaker | null = vi.fn<PreviewMaker>(async () => PREVIEW())) {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: MULTIPART_FROM, partSize: 4 });
  const previews = make ? { make, plan: server.planPreview } : undefined;
  const transport = { post: storage.post, put: storage.put, hash: async (blob: Blob) => `crc-${blob.size}`, resume: memoryResumeStore() };
  const store = new UploadEngine(server.api, rules, { transport, previews });
  store.setConcurrency(2);
  const statuses = async () => {
    await vi.advanceTimersByTimeAsync(100);
    return store.getSnapshot().items.map((item) => item.status);
  };
  /** The routes called, in order, leaving out the noise of parts. */
  const routes = () => server.calls.map((call) => call.route).filter((route) => route !== "signParts" && route !== "reportParts");
  return { storage, server, store, statuses, routes, make };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, "debug").mockImplementation(() => {});
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a file with a preview", () => {
  it("starts the preview with the file, plans and posts it, then completes the file once", async () => {
    const { storage, server, store, statuses, routes, make } = setup();
    storage.hold = true;
    const photo = fileOf("photo.png");
    store.add([photo]);
    await settle();
    // Made while the file's bytes are still on the wire.
    expect(make).toHaveBeenCalledTimes(1);
    expect(vi.mocked(make!).mock.calls[0]![0]).toBe(photo);
    expect(server.argsOf("planPreview")).toEqual([]);

    storage.hold = false;
    storage.posts[0]!.finish();
    expect(await statuses()).toEqual(["done"]);
    expect(routes()).toEqual(["createMany", "planPreview", "complete"]);
    expect(server.argsOf("planPreview")).toEqual([{ id: "file-1", size: 1_234, type: "image/webp" }]);
    expect(storage.posts.map((post) => [post.target, post.size, post.state])).toEqual([
      ["key-file-1", 10, "stored"],
      ["key-file-1.preview", 1_234, "stored"],
    ]);
    expect(server.fileItems.get("file-1")!.file.previewUrl).toContain("key-file-1.preview");
  });

  it("sends a multipart file's preview before its multipart complete", async () => {
    const { storage, server, store, statuses, routes } = setup();
    store.add([fileOf("clip.mp4", MULTIPART_FROM + 3, "video/mp4")]);
    expect(await statuses()).toEqual(["done"]);
    expect(routes().slice(-2)).toEqual(["planPreview", "completeMultipart"]);
    expect(storage.posts.map((post) => post.target)).toEqual(["key-file-1.preview"]);
    expect(server.fileItems.get("file-1")!.file.previewUrl).not.toBeNull();
  });

  it("waits for a preview still being made, up to PREVIEW_WAIT_MS after the bytes are stored", async () => {
    let finish: (blob: Blob) => void = () => {};
    const { server, store, statuses } = setup(() => new Promise((resolve) => (finish = resolve)));
    store.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["verifying"]);
    await vi.advanceTimersByTimeAsync(PREVIEW_WAIT_MS / 2);
    expect(server.argsOf("complete")).toEqual([]);
    finish(PREVIEW());
    expect(await statuses()).toEqual(["done"]);
    expect(server.argsOf("planPreview")).toHaveLength(1);
    expect(server.argsOf("complete")).toEqual(["file-1"]);
  });
});

describe("a preview that fails never fails or retries the file", () => {
  it("completes without a preview when the maker answers null", async () => {
    const { server, store, statuses, routes } = setup(vi.fn<PreviewMaker>(async () => null));
    store.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["done"]);
    expect(routes()).toEqual(["createMany", "complete"]);
    expect(server.fileItems.get("file-1")!.file.previewUrl).toBeNull();
  });

  it("completes without a preview when the maker throws", async () => {
    const { store, statuses, routes } = setup(vi.fn<PreviewMaker>(async () => Promise.reject(new Error("decoder crashed"))));
    store.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["done"]);
    expect(routes()).toEqual(["createMany", "complete"]);
  });

  it("gives up on a preview not made within PREVIEW_WAIT_MS, and stops making it", async () => {
    let signal: AbortSignal | undefined;
    const { server, store, statuses, routes } = setup((_, s) => {
      signal = s;
      return new Promise(() => {});
    });
    store.add([fileOf("photo.png")]);
    // statuses() waits a render tick (100 ms) of the PREVIEW_WAIT_MS.
    expect(await statuses()).toEqual(["verifying"]);
    await vi.advanceTimersByTimeAsync(PREVIEW_WAIT_MS - 200);
    expect(server.argsOf("complete")).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await statuses()).toEqual(["done"]);
    expect(routes()).toEqual(["createMany", "complete"]);
    expect(signal?.aborted).toBe(true);
  });

  it.each([
    ["refused as not previewable (409)", apiError(409, "not_previewable")],
    ["refused as too large (413)", apiError(413, "too_large")],
    ["answered 503", apiError(503, "storage_unavailable")],
    ["not answered", apiError(0, "network_error")],
  ])("completes once, with one plan and no retry, when the plan is %s", async (_, error) => {
    const { server, storage, store, statuses, routes } = setup();
    server.failNext("planPreview", error);
    store.add([fileOf("photo.png")]);
    expect(await statuses()).toEqual(["done"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(routes()).toEqual(["createMany", "planPreview", "complete"]);
    expect(storage.posts.map((post) => post.target)).toEqual(["key-file-1"]);
    expect(server.fileItems.get("file-1")!.file.previewUrl).toBeNull();
  });

  it.each([
    ["refused by storage (403)", new StorageError("storage_refused", "refused", 403)],
    ["dropped", new StorageError("network_error", "dropped", 0)],
    ["answered 503 SlowDown", new StorageError("storage_error", "slow down", 503, "<Error><Code>SlowDown</Code></Error>")],
  ])("completes once, with one preview POST and no retry, when that POST is %s", async (_, error) => {
    const { server, storage, store, statuses, routes } = setup();
    storage.hold = true;
    store.add([fileOf("photo.png")]);
    await settle();
    storage.posts[0]!.finish();
    await settle();
    expect(storage.posts.map((post) => post.target)).toEqual(["key-file-1", "key-file-1.preview"]);
    storage.posts[1]!.fail(error);
    expect(await statuses()).toEqual(["done"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(storage.posts).toHaveLength(2);
    expect(routes()).toEqual(["createMany", "planPreview", "complete"]);
    expect(server.fileItems.get("file-1")!.file.previewUrl).toBeNull();
  });

  it("abandons a preview POST still open after PREVIEW_SEND_TIMEOUT_MS and completes the file", async () => {
    const { server, storage, store, statuses } = setup();
    storage.hold = true;
    store.add([fileOf("photo.png")]);
    await settle();
    storage.posts[0]!.finish();
    await settle();
    await vi.advanceTimersByTimeAsync(PREVIEW_SEND_TIMEOUT_MS - 1);
    expect(server.argsOf("complete")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await statuses()).toEqual(["done"]);
    expect(storage.posts[1]!.state).toBe("aborted");
    expect(server.argsOf("complete")).toEqual(["file-1"]);
  });

  it("cancelling the file while its preview is made stops making it, and nothing is planned", async () => {
    let signal: AbortSignal | undefined;
    const { server, storage, store, statuses } = setup((_, s) => {
      signal = s;
      return new Promise(() => {});
    });
    storage.hold = true;
    store.add([fileOf("photo.png")]);
    await settle();
    store.cancel(store.getSnapshot().items[0]?.key ?? "upload-1");
    expect(await statuses()).toEqual(["cancelled"]);
    await vi.advanceTimersByTimeAsync(PREVIEW_WAIT_MS + PREVIEW_SEND_TIMEOUT_MS);
    expect(signal?.aborted).toBe(true);
    expect(server.argsOf("planPreview")).toEqual([]);
    expect(server.argsOf("complete")).toEqual([]);
  });
});

describe("files without previews", () => {
  it("makes none for a type that has none (audio)", async () => {
    const { store, statuses, routes, make } = setup();
    store.add([fileOf("song.mp3", 10, "audio/mpeg")]);
    expect(await statuses()).toEqual(["done"]);
    expect(make).not.toHaveBeenCalled();
    expect(routes()).toEqual(["createMany", "complete"]);
  });

  it("makes none when the store is given no preview maker (the CLI)", async () => {
    const { store, statuses, routes } = setup(null);
    store.add([fileOf("photo.png"), fileOf("clip.mp4", MULTIPART_FROM, "video/mp4")]);
    expect(await statuses()).toEqual(["done", "done"]);
    expect(routes()).not.toContain("planPreview");
  });
});
