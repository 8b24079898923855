/**
 * The upload page's engine (client/engine/upload-engine.ts) from Node, for the command-line
 * uploader: the same scheduling, file items made ahead, jobs and retry rules. Only what is Node's
 * differs: the API client carries an API token instead of the session cookie, bytes travel over
 * fetch (fetch-transport.ts), files come from disk, and nothing is saved to resume or previewed.
 */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { createApiFetch } from "../client/api/api-fetch";
import { BatchCoalescer } from "../client/api/batch-coalescer";
import { createUploadApi, type UploadApi } from "../client/api/upload-api";
import { UploadEngine } from "../client/engine/upload-engine";
import type { EngineTransport } from "../client/engine/upload-job";
import { crc32Base64 } from "../client/hashing/checksum";
import { NO_RESUME_STORE } from "../client/multipart/resume-store";
import type { QueueItem } from "../client/queue/upload-queue";
import { MAX_BATCH_ITEMS, type FileItemJson, type UploadSettings } from "../lib/contracts/upload-schemas";
import { EXTENSIONS_BY_TYPE, extensionOf, type UploadRules } from "../lib/upload-rules";
import { postWithFetch, putPartWithFetch, putWithFetch } from "./fetch-transport";

export type Client = { baseUrl: string; token: string };

/**
 * The server checks types and sizes against its own settings, which the CLI does not know: locally
 * a file only needs a known type (from its extension) and a name the server would take.
 */
export const CLI_RULES: UploadRules = { allowedTypes: Object.keys(EXTENSIONS_BY_TYPE), maxBytes: Number.MAX_SAFE_INTEGER };

/**
 * Our API over the app's URL and a token. As on the page, completes of small files finishing
 * together share batch requests (/batch/complete); so do the creates files make on their own turn
 * (big files, and fallbacks). `createMany` is the batch create that makes the file items of small files ahead.
 */
export function createCliApi(client: Client): UploadApi {
  const routes = createUploadApi(createApiFetch({ baseUrl: client.baseUrl, headers: { authorization: `Bearer ${client.token}` } }));
  const creates = new BatchCoalescer(routes.createUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  const completes = new BatchCoalescer(routes.completeUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  return {
    create: (body) => creates.call(body),
    createMany: routes.createUploads,
    complete: (id) => completes.call(id),
    completeMultipart: routes.completeUpload,
    cancel: routes.cancelUpload,
    getUpload: routes.getUpload,
    signParts: routes.signParts,
    reportParts: routes.reportParts,
  };
}

/** How the server sends files of each size (POST form or PUT) and whether a form binds the file's SHA-256, which the engine needs before it asks for file items. */
export function fetchUploadSettings(client: Client): Promise<UploadSettings> {
  return createUploadApi(createApiFetch({ baseUrl: client.baseUrl, headers: { authorization: `Bearer ${client.token}` } })).uploadSettings();
}

/** The MIME type for a file name, from the same table the server checks extensions against. */
export function typeForName(name: string): string | null {
  const ext = extensionOf(name);
  const match = Object.entries(EXTENSIONS_BY_TYPE).find(([, exts]) => exts.includes(ext));
  return match?.[0] ?? null;
}

export type OpenedFile = { path: string; file: File };

/** A file named on the command line as the engine takes it, or why it cannot be sent (missing, a folder, no known type). */
export async function openFile(filePath: string): Promise<OpenedFile | { path: string; error: string }> {
  const name = path.basename(filePath);
  const type = typeForName(name);
  if (!type) return { path: filePath, error: `No known type for "${name}".` };
  try {
    const stats = await stat(filePath);
    if (!stats.isFile()) return { path: filePath, error: `"${filePath}" is not a file.` };
    // A File over the disk's bytes (read as they are sent), with the name the form part carries.
    const blob = await openAsBlob(filePath, { type });
    return { path: filePath, file: new File([blob], name, { type, lastModified: stats.mtimeMs }) };
  } catch (err) {
    return { path: filePath, error: (err as Error).message };
  }
}

export type FileOutcome = { path: string; stored: FileItemJson } | { path: string; error: string };

export type UploadOptions = {
  /** Files sending bytes at once (--parallel), as the page's concurrency setting. */
  parallel: number;
  /** Each file as it ends. */
  onOutcome: (outcome: FileOutcome) => void;
  /** Bytes sent over all files, at most every RENDER_INTERVAL_MS. */
  onProgress?: (sent: number) => void;
  /** Node's by default: fetch to storage, CRC32 on this thread (SHA-256 by Node's WebCrypto, in the engine), no resume records. Tests pass stand-ins. */
  transport?: Partial<EngineTransport>;
  /** The server's (fetchUploadSettings): each small file is hashed before it is asked for where it goes by PUT (CRC32) or by a form that binds its SHA-256. */
  settings?: UploadSettings;
};

/** Runs the files through the engine; resolves once each has ended and every release sent has its answer. */
export async function uploadFiles(api: UploadApi, files: readonly OpenedFile[], options: UploadOptions): Promise<void> {
  if (files.length === 0) return;
  const pathOf = new Map<string, string>();
  /** Rows that end inside `add` (refused by the rules) end before their keys are known. */
  const endedEarly: QueueItem[] = [];
  let left = files.length;
  let allEnded: () => void = () => {};
  const ended = new Promise<void>((resolve) => (allEnded = resolve));
  const report = (item: QueueItem) => {
    const filePath = pathOf.get(item.key);
    if (filePath === undefined) return void endedEarly.push(item);
    pathOf.delete(item.key);
    options.onOutcome(item.status === "done" && item.file ? { path: filePath, stored: item.file } : { path: filePath, error: item.error?.message ?? "The upload failed." });
    if (--left === 0) allEnded();
  };
  const engine = new UploadEngine(api, CLI_RULES, {
    onEnded: report,
    settings: options.settings,
    transport: { post: postWithFetch, putFile: putWithFetch, put: putPartWithFetch, hash: crc32Base64, resume: NO_RESUME_STORE, ...options.transport },
  });
  engine.setConcurrency(options.parallel);
  const { onProgress } = options;
  if (onProgress) engine.subscribe(() => onProgress(engine.getSnapshot().summary.loaded));
  const keys = engine.add(files.map((entry) => entry.file));
  keys.forEach((key, i) => pathOf.set(key, files[i]!.path));
  for (const item of endedEarly.splice(0)) report(item);
  await ended;
  await engine.settled();
}
