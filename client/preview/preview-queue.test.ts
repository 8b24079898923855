import { describe, expect, it, vi } from "vitest";
import { ConnectionPool } from "@/client/connection-pool";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import type { PreviewMaker, PreviewSource } from "./make-preview";
import { UNDECODABLE } from "./made-preview";
import { makeMissingPreviews, wantsStoredPreview } from "./missing-previews";
import { PreviewQueue, type LandedPreview } from "./preview-queue";
import { STORED_IMAGE_MAX_BYTES } from "./stored-file";
import { withQuietFakeTimers } from "@/testing/fakes/quiet-fake-timers";

/**
 * The PreviewQueue on its own, fed as the library grid feeds it: stored file items whose preview
 * is missing (a tab closed early, the CLI), read back by their view URL.
 */
const PREVIEW = () => new Blob([new Uint8Array(900)], { type: "image/webp" });

function setup(slots = { image: 2, video: 1 }, smallUploads: "post" | "put" = "post") {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { smallUploads });
  const running = { image: 0, video: 0 };
  const most = { image: 0, video: 0 };
  const made: PreviewSource[] = [];
  const make = vi.fn<PreviewMaker>(async (source) => {
    const kind = source.type.startsWith("video/") ? "video" : "image";
    made.push(source);
    most[kind] = Math.max(most[kind], ++running[kind]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    running[kind]--;
    return PREVIEW();
  });
  const queue = new PreviewQueue({ api: server.previewApi, pool: new ConnectionPool(6), post: storage.post, putFile: storage.putFile, ...(smallUploads === "put" ? { hash: async (blob: Blob) => `crc-${blob.size}` } : {}), make, slots });
  const landed: LandedPreview[] = [];
  queue.onLanded((batch) => landed.push(...batch));
  /** A file uploaded elsewhere (the CLI): stored, and wanting its preview. */
  const stored = (name: string, type = "image/jpeg", size = 1_000): FileItemJson => {
    const { file, key } = server.seed({ name, size, type });
    storage.objects.add(key);
    const uploaded: FileItemJson = { ...file, status: "uploaded", uploadedAt: file.createdAt, previewWanted: true };
    server.fileItems.get(file.id)!.file = uploaded;
    return uploaded;
  };
  return { server, storage, queue, make, made, most, landed, stored };
}

withQuietFakeTimers();

describe("where previews go by PUT (stores without POST Object)", () => {
  it("plans each preview with its CRC32 and PUTs it with exactly its URL's headers", async () => {
    const { server, storage, queue, landed, stored } = setup(undefined, "put");
    const photo = stored("photo.jpg");
    makeMissingPreviews(queue, [photo]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.argsOf("planPreviews")).toEqual([[{ fileItemId: photo.id, size: 900, type: "image/webp", checksum: "crc-900" }]]);
    expect(storage.posts).toEqual([]);
    expect(storage.filePutHeaders).toEqual([{ "Content-Type": "image/webp", "x-amz-checksum-crc32": "crc-900" }]);
    expect(landed.map((p) => p.fileItemId)).toEqual([photo.id]);
  });
});

describe("where previews go by POST form", () => {
  it("plans each preview without a CRC32 (a form signs none, so no preview is read back to hash it) and posts it", async () => {
    const { server, storage, queue, landed, stored } = setup();
    const photo = stored("photo.jpg");
    makeMissingPreviews(queue, [photo]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.argsOf("planPreviews")).toEqual([[{ fileItemId: photo.id, size: 900, type: "image/webp" }]]);
    expect(storage.posts).toHaveLength(1);
    expect(landed.map((p) => p.fileItemId)).toEqual([photo.id]);
  });
});

describe("the grid's missing previews", () => {
  it("makes each missing preview from the stored file's view URL, and the event says where it landed", async () => {
    const { server, queue, made, landed, stored } = setup();
    const photo = stored("photo.jpg");
    const clip = stored("clip.mp4", "video/mp4", 50 * 2 ** 30);
    expect(makeMissingPreviews(queue, [photo, clip])).toBe(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(made).toEqual([
      { type: "image/jpeg", url: `/api/files/${photo.id}/view`, size: 1_000 },
      // A video is read by ranges from its URL, never fetched whole, whatever its size.
      { type: "video/mp4", url: `/api/files/${clip.id}/view`, size: 50 * 2 ** 30 },
    ]);
    expect(server.argsOf("planPreviews")).toHaveLength(1);
    expect(landed.map((p) => p.fileItemId).sort()).toEqual([photo.id, clip.id].sort());
    expect(landed.every((p) => p.previewUrl.endsWith(".preview"))).toBe(true);
  });

  it("says which file items it is still working on: from queued until recorded or given up", async () => {
    const { queue, make, stored } = setup();
    const photo = stored("photo.jpg");
    const broken = stored("broken.jpg");
    make.mockImplementation(async (source) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return "url" in source && source.url.includes(broken.id) ? null : PREVIEW();
    });
    makeMissingPreviews(queue, [photo, broken]);
    expect(queue.working()).toEqual(new Set([photo.id, broken.id]));
    await vi.advanceTimersByTimeAsync(30);
    // No preview came of it: nothing more will.
    expect(queue.working()).toEqual(new Set([photo.id]));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(queue.working()).toEqual(new Set());
  });

  it("tries each file once per tab, however often the grid renders it, even when no preview came of it", async () => {
    const { queue, make, stored } = setup();
    make.mockResolvedValueOnce(null);
    const photo = stored("photo.jpg");
    expect(makeMissingPreviews(queue, [photo])).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(makeMissingPreviews(queue, [photo])).toBe(0);
    expect(makeMissingPreviews(queue, [photo, photo])).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it("leaves a file an upload in this tab already handled to that upload", async () => {
    const { queue, make, stored } = setup();
    const photo = stored("photo.jpg");
    queue.started("upload-1", new File([new Uint8Array(10)], "photo.jpg", { type: "image/jpeg" }));
    queue.uploaded("upload-1", photo);
    expect(makeMissingPreviews(queue, [photo])).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it("makes one preview of a file the grid listed as uploaded before its upload's complete answered in this tab", async () => {
    const { queue, make, made, server, stored } = setup();
    const photo = stored("photo.jpg");
    queue.started("upload-1", new File([new Uint8Array(10)], "photo.jpg", { type: "image/jpeg" }));
    expect(makeMissingPreviews(queue, [photo])).toBe(1);
    queue.uploaded("upload-1", photo);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(make).toHaveBeenCalledTimes(2);
    expect(server.argsOf<Array<{ fileItemId: string }>>("planPreviews").flat().map((plan) => plan.fileItemId)).toEqual([photo.id]);
    expect(made.some((source) => "url" in source)).toBe(true);
  });

  it("reports the files whose pictures would not decode in one request beside the batch's previews; no page wants them any more", async () => {
    const { server, queue, make, landed, stored } = setup();
    const [photo, broken, clip] = [stored("photo.jpg"), stored("broken.jpg"), stored("clip.mp4", "video/mp4")];
    make.mockResolvedValueOnce(PREVIEW()).mockResolvedValueOnce(UNDECODABLE).mockResolvedValueOnce(UNDECODABLE);
    expect(makeMissingPreviews(queue, [photo, broken, clip])).toBe(3);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.argsOf<string[]>("reportFailedPreviews").map((ids) => [...ids].sort())).toEqual([[broken.id, clip.id].sort()]);
    expect(server.argsOf<Array<{ fileItemId: string }>>("planPreviews").flat().map((plan) => plan.fileItemId)).toEqual([photo.id]);
    expect(landed.map((p) => p.fileItemId)).toEqual([photo.id]);
    expect(queue.requests).toEqual({ plans: 1, completes: 1, failures: 1 });
    expect(queue.stats.pending).toBe(0);
    for (const file of [broken, clip]) expect(wantsStoredPreview(server.fileItems.get(file.id)!.file)).toBe(false);
  });

  it("reports nothing of a preview not made this time, or a maker that threw: another tab may make it", async () => {
    const { server, queue, make, stored } = setup();
    make.mockResolvedValueOnce(null).mockRejectedValueOnce(new Error("decoder crashed"));
    makeMissingPreviews(queue, [stored("a.jpg"), stored("b.jpg")]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.calls).toEqual([]);
  });

  it("a report the server refuses costs the previews of its batch nothing", async () => {
    const { server, queue, make, landed, stored } = setup();
    server.failNext("reportFailedPreviews", apiError(403, "forbidden"));
    const [photo, broken] = [stored("photo.jpg"), stored("broken.jpg")];
    make.mockResolvedValueOnce(PREVIEW()).mockResolvedValueOnce(UNDECODABLE);
    makeMissingPreviews(queue, [photo, broken]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.argsOf("reportFailedPreviews")).toEqual([[broken.id]]);
    expect(landed.map((p) => p.fileItemId)).toEqual([photo.id]);
    expect(queue.stats.pending).toBe(0);
    expect(server.fileItems.get(broken.id)!.file.previewWanted).toBe(true);
  });

  it.each([
    ["a file with its preview", { previewWanted: false }],
    ["a type without previews", { type: "application/pdf" }],
    ["a file not uploaded yet", { status: "pending" as const }],
    ["an image too big to fetch back", { size: STORED_IMAGE_MAX_BYTES + 1 }],
  ])("asks for nothing for %s", (_, change) => {
    const now = new Date(0).toISOString();
    const file: FileItemJson = { id: "f", name: "x", path: null, size: 10, type: "image/png", status: "uploaded", createdAt: now, uploadedAt: now, checksum: null, previewUrl: null, previewWanted: true };
    expect(wantsStoredPreview(file)).toBe(true);
    expect(wantsStoredPreview({ ...file, ...change })).toBe(false);
  });
});

describe("the makers' bound", () => {
  it("makes at most the image slots' previews of images and the video slots' of videos at once, each kind in order", async () => {
    const { queue, made, most, landed, stored } = setup({ image: 3, video: 1 });
    const files = [...Array.from({ length: 9 }, (_, i) => stored(`p${i}.jpg`)), ...Array.from({ length: 3 }, (_, i) => stored(`v${i}.mp4`, "video/mp4"))];
    makeMissingPreviews(queue, files);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(most).toEqual({ image: 3, video: 1 });
    const urls = (kind: string) => made.filter((source) => source.type.startsWith(kind)).map((source) => ("url" in source ? source.url : ""));
    const expected = (kind: string) => files.filter((file) => file.type.startsWith(kind)).map((file) => `/api/files/${file.id}/view`);
    expect(urls("image/")).toEqual(expected("image/"));
    expect(urls("video/")).toEqual(expected("video/"));
    expect(landed).toHaveLength(12);
    expect(queue.stats).toEqual({ making: { image: 0, video: 0 }, pending: 0 });
  });

  it("a deleted file's preview, still waiting for a maker, is never made", async () => {
    const { queue, made, stored } = setup({ image: 1, video: 1 });
    const [a, b] = [stored("a.jpg"), stored("b.jpg")];
    makeMissingPreviews(queue, [a, b]);
    queue.forget(b.id);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(made.map((source) => ("url" in source ? source.url : ""))).toEqual([`/api/files/${a.id}/view`]);
  });
});
