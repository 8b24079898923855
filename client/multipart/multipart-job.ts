/**
 * The multipart strategy: a big file in parts (multipart-transfer.ts), resumable across reloads
 * (resume-store.ts), and the lookup of an unfinished upload the same file started before.
 */
import { ApiError } from "@/client/api/api-error";
import { callWithRetries } from "@/client/api/api-retry";
import type { UploadJob } from "@/client/engine/upload-job";
import type { ConnectionPool } from "@/client/connection-pool";
import { createCrc32Hasher } from "@/client/hashing/crc32-hasher";
import type { EngineState } from "./multipart-engine";
import { MultipartTransfer } from "./multipart-transfer";
import { putPart, type PartTransport } from "./part-transport";
import { browserResumeStore, type ResumeStore } from "./resume-store";
import type { Tracer } from "@/client/tracer";
import type { FileItemJson, MultipartUploadTarget } from "@/lib/contracts/upload-schemas";
import type { MultipartApi } from "./multipart-api";

export type { MultipartApi };

export type ResumedUpload = { fileItem: FileItemJson; upload: MultipartUploadTarget; stored: Array<{ partNumber: number; etag: string }> };

/**
 * The unfinished multipart upload this same file (name, size, last-modified) started before a
 * reload or a browser restart, if the server still has it pending; otherwise null.
 */
export async function findUnfinishedUpload(api: MultipartApi, file: File, resume: ResumeStore = browserResumeStore): Promise<ResumedUpload | null> {
  const saved = await resume.find(file);
  if (!saved) return null;
  try {
    const status = await api.getUpload(saved.fileId);
    if (status.file.status === "pending" && status.upload?.strategy === "multipart" && status.file.size === file.size) {
      return { fileItem: status.file, upload: status.upload, stored: status.parts };
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  await resume.forget(file);
  return null;
}

let sharedHasher: ((blob: Blob) => Promise<string>) | null = null;

/** Runs the part engine for one file; resolves with the stored file once the server verified it. */
export async function runMultipart(input: {
  api: MultipartApi;
  pool: ConnectionPool;
  file: File;
  fileId: string;
  upload: MultipartUploadTarget;
  stored: Array<{ partNumber: number; etag: string }>;
  signal: AbortSignal;
  tracer?: Tracer;
  onTransfer: (transfer: MultipartTransfer) => void;
  onChange: (state: EngineState, bytesSent: number) => void;
  /** Storage and this browser's resume records; the defaults are the browser's (XHR, a Worker, IndexedDB). */
  put?: PartTransport;
  hash?: (blob: Blob) => Promise<string>;
  resume?: ResumeStore;
}): Promise<FileItemJson> {
  const { api, file, fileId, resume = browserResumeStore } = input;
  const hash = input.hash ?? (sharedHasher ??= createCrc32Hasher());
  await resume.remember(file, fileId);
  const transfer: MultipartTransfer = new MultipartTransfer(
    fileId,
    file,
    input.upload,
    { api, pool: input.pool, hash, put: input.put ?? putPart, tracer: input.tracer },
    (state) => input.onChange(state, transfer.bytesSent()),
    input.stored,
  );
  input.onTransfer(transfer);
  if (input.signal.aborted) transfer.cancel();
  input.signal.addEventListener("abort", () => transfer.cancel(), { once: true });
  const done = await transfer.run();
  await resume.forget(file);
  return done;
}

/**
 * The multipart strategy behind the engine's one job interface. The row can pause from the moment
 * the transfer exists; a failed upload keeps its file item and stored parts, so Retry sends only the
 * missing ones. Its complete is tried again after transient failures, as a small file's is.
 */
export const multipartUploadJob: UploadJob<"multipart"> = async ({ api, pool, transport, tracer }, input) => {
  const { file, fileItem, upload, stored, events, signal } = input;
  // For the benchmark's part timeline (bench/throughput.ts): how long the file item took.
  tracer?.span("mp:create:0", input.fileItemAskedAt, performance.now());
  events.created(fileItem.id, { loaded: stored.length > 0 ? Math.min(file.size, stored.length * upload.partSize) : 0 });
  return runMultipart({
    api: { ...api, completeMultipart: (id) => callWithRetries("complete", () => api.completeMultipart(id), signal) },
    pool,
    file,
    fileId: fileItem.id,
    upload,
    stored,
    signal,
    put: transport.put,
    hash: transport.hash,
    resume: transport.resume,
    tracer,
    onTransfer: events.pausable,
    onChange: (engine, sent) => (engine.status === "completing" ? events.verifying() : events.progress(sent)),
  });
};
