import { describe, expect, it, vi } from "vitest";
import { settle, withFakeTimers } from "@/testing/fakes/fake-timers";
import { ConnectionPool } from "@/client/connection-pool";
import type { MultipartUploadTarget } from "@/lib/contracts/upload-schemas";
import { FakeStorage } from "@/testing/fakes/fake-storage";
import { apiError, FakeUploadServer } from "@/testing/fakes/fake-upload-api";
import { memoryResumeStore } from "@/testing/fakes/memory-resume-store";
import { storageErrorFor } from "@/client/storage-error";
import { findUnfinishedUpload, runMultipart } from "./multipart-job";
import type { MultipartTransfer } from "./multipart-transfer";

/**
 * The multipart job: finding an unfinished upload to resume, and running one upload through the
 * part engine, against in-memory stand-ins for our API, storage and this browser's resume records.
 * Parts are 4 bytes here; real part sizes and storage's answers are tested against MinIO.
 */
const PART_SIZE = 4;
const PARTS = 6;

function setup() {
  const storage = new FakeStorage();
  const server = new FakeUploadServer(storage, { multipartFrom: 1, partSize: PART_SIZE });
  const resume = memoryResumeStore();
  const file = new File([new Uint8Array(PART_SIZE * PARTS)], "clip.mp4", { type: "video/mp4", lastModified: 1_000 });
  const fileItem = server.seed({ name: file.name, size: file.size, type: file.type });
  const controller = new AbortController();
  let transfer: MultipartTransfer | null = null;
  const run = (stored: Array<{ partNumber: number; etag: string }> = []) =>
    runMultipart({
      api: server.api,
      pool: new ConnectionPool(2),
      file,
      fileId: fileItem.file.id,
      upload: fileItem.upload as MultipartUploadTarget,
      stored,
      signal: controller.signal,
      onTransfer: (t) => (transfer = t),
      onChange: () => {},
      put: storage.put,
      hash: async (blob) => `crc-${blob.size}`,
      resume,
    });
  const partsSent = () => storage.puts.filter((put) => put.state === "stored").map((put) => Number(put.target.split("/").at(-1)));
  return { storage, server, resume, file, fileItem, controller, run, partsSent, transfer: () => transfer! };
}

withFakeTimers();

describe("findUnfinishedUpload", () => {
  it("is null, without asking the server, when this browser saved nothing for the file", async () => {
    const { server, resume, file } = setup();
    expect(await findUnfinishedUpload(server.api, file, resume)).toBeNull();
    expect(server.argsOf("getUpload")).toEqual([]);
  });

  it("answers the upload and the parts the server has stored while it is still pending", async () => {
    const { server, resume, file, fileItem } = setup();
    await resume.remember(file, fileItem.file.id);
    await server.api.reportParts(fileItem.file.id, [
      { partNumber: 1, etag: '"a"' },
      { partNumber: 3, etag: '"c"' },
    ]);
    const found = await findUnfinishedUpload(server.api, file, resume);
    expect(found).toEqual({
      fileItem: fileItem.file,
      upload: fileItem.upload,
      stored: [
        { partNumber: 1, etag: '"a"', size: PART_SIZE },
        { partNumber: 3, etag: '"c"', size: PART_SIZE },
      ],
    });
    expect(resume.records.size).toBe(1);
  });

  it.each([
    ["the server no longer knows it (404)", (s: ReturnType<typeof setup>) => s.server.fileItems.delete(s.fileItem.file.id)],
    ["it was completed meanwhile", (s: ReturnType<typeof setup>) => void (s.fileItem.file = { ...s.fileItem.file, status: "uploaded" })],
    ["it was cancelled meanwhile", (s: ReturnType<typeof setup>) => void (s.fileItem.file = { ...s.fileItem.file, status: "aborted" })],
    ["the saved upload is for a file of another size", (s: ReturnType<typeof setup>) => void (s.fileItem.file = { ...s.fileItem.file, size: 5 })],
  ])("is null, and the saved record is dropped, when %s", async (_, change) => {
    const s = setup();
    await s.resume.remember(s.file, s.fileItem.file.id);
    change(s);
    expect(await findUnfinishedUpload(s.server.api, s.file, s.resume)).toBeNull();
    expect(s.server.argsOf("getUpload")).toEqual([s.fileItem.file.id]);
    expect(s.resume.records.size).toBe(0);
  });

  it("throws, and keeps the saved record for a later try, when the server cannot answer", async () => {
    const { server, resume, file, fileItem } = setup();
    await resume.remember(file, fileItem.file.id);
    const outage = apiError(503, "storage_unavailable");
    server.failNext("getUpload", outage);
    await expect(findUnfinishedUpload(server.api, file, resume)).rejects.toBe(outage);
    expect(resume.records.size).toBe(1);
  });
});

describe("runMultipart", () => {
  it("sends every part, completes the upload and answers the stored file", async () => {
    const { server, fileItem, run, partsSent } = setup();
    const done = await run();
    expect(done).toMatchObject({ id: fileItem.file.id, status: "uploaded" });
    expect(partsSent().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.argsOf("completeMultipart")).toEqual([fileItem.file.id]);
  });

  it("resumes from the parts the server reports stored and sends only the missing ones", async () => {
    const { server, resume, file, fileItem, run, partsSent } = setup();
    await resume.remember(file, fileItem.file.id);
    await server.api.reportParts(fileItem.file.id, [2, 3, 5].map((partNumber) => ({ partNumber, etag: `"old-${partNumber}"` })));
    const found = await findUnfinishedUpload(server.api, file, resume);
    await run(found!.stored);
    expect(partsSent().sort((a, b) => a - b)).toEqual([1, 4, 6]);
    expect(server.argsOf<number[]>("signParts").flat().sort((a, b) => a - b)).toEqual([1, 4, 6]);
    // The parts stored before the reload keep their ETags; the server completes with all six.
    expect(fileItem.parts.get(2)).toBe('"old-2"');
    expect(server.argsOf("completeMultipart")).toEqual([fileItem.file.id]);
  });

  it("remembers the upload in this browser before the first part leaves, and forgets it once complete", async () => {
    const { storage, resume, fileItem, run } = setup();
    storage.hold = true;
    const done = run();
    await settle();
    expect(storage.open(storage.puts).length).toBeGreaterThan(0);
    expect([...resume.records.values()].map((saved) => saved.fileId)).toEqual([fileItem.file.id]);
    storage.hold = false;
    for (const put of storage.open(storage.puts)) put.finish();
    await done;
    expect(resume.records.size).toBe(0);
  });

  it("a refused part fails the upload with the part named, keeps it resumable and does not complete", async () => {
    const { storage, server, resume, run } = setup();
    storage.failNextPuts(storageErrorFor(403, "<Error><Code>AccessDenied</Code></Error>"));
    await expect(run()).rejects.toThrow(/^Part \d+: Storage refused the upload \(AccessDenied\)\.$/);
    expect(server.argsOf("completeMultipart")).toEqual([]);
    expect(resume.records.size).toBe(1);
  });

  it("a cancel aborts the parts on the wire and rejects without completing", async () => {
    const { storage, server, controller, run } = setup();
    storage.hold = true;
    const done = run();
    const outcome = expect(done).rejects.toMatchObject({ name: "AbortError" });
    await settle();
    const onWire = storage.open(storage.puts);
    expect(onWire.length).toBe(2);
    controller.abort();
    await outcome;
    expect(onWire.map((put) => put.state)).toEqual(["aborted", "aborted"]);
    expect(server.argsOf("completeMultipart")).toEqual([]);
  });

  it("pause drops the parts on the wire and sends nothing until resume; resume sends them again", async () => {
    const { storage, server, run, partsSent, transfer } = setup();
    storage.hold = true;
    const done = run();
    await settle();
    const dropped = storage.open(storage.puts);
    expect(dropped.map((put) => put.target)).toEqual(["file-1/part/1", "file-1/part/2"]);
    transfer().pause();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(dropped.map((put) => put.state)).toEqual(["aborted", "aborted"]);
    expect(storage.puts).toHaveLength(2);
    storage.hold = false;
    transfer().resume();
    await expect(done).resolves.toMatchObject({ status: "uploaded" });
    expect(partsSent().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.argsOf("completeMultipart")).toHaveLength(1);
  });
});
