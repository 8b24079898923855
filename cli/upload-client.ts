/**
 * The upload page's engine from Node, for the command-line uploader: the same API client (with an
 * API token instead of the session cookie), the same POST job and retry rules, records made ahead
 * in batches as the page makes them (records-ahead.ts), and the same multipart transfer. Only the
 * bytes travel differently, over fetch (fetch-transport.ts).
 */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { ApiError } from "../client/api/api-error";
import { createApiFetch } from "../client/api/api-fetch";
import { BatchCoalescer } from "../client/api/batch-coalescer";
import { createUploadApi, type UploadRoutes } from "../client/api/upload-api";
import { ConnectionPool, DEFAULT_CONNECTIONS } from "../client/connection-pool";
import { crc32Base64 } from "../client/hashing/checksum";
import { MultipartTransfer } from "../client/multipart/multipart-transfer";
import { callWithRetries, runSinglePost, type PostApi } from "../client/post/post-job";
import { MAX_BATCH_ITEMS, type CreateUploadBody, type FileDto } from "../lib/contracts/upload-schemas";
import { EXTENSIONS_BY_TYPE, extensionOf } from "../lib/upload-rules";
import { postWithFetch, putPartWithFetch } from "./fetch-transport";
import type { QueuedFile, Turn } from "./records-ahead";

export type Client = { baseUrl: string; token: string };

export type Progress = { name: string; sent: number; size: number };

export type UploadContext = {
  routes: UploadRoutes;
  /** What the POST job and the records made ahead need, with creates and completes batched across files. */
  api: Pick<PostApi, "create" | "createMany" | "complete" | "cancel">;
  pool: ConnectionPool;
};

/**
 * Completes made by files finishing at the same time share batch requests (/batch/complete), as
 * the upload page's do, and so do the creates files make on their own turn (big files, and
 * fallbacks); `createMany` is the batch create that records small files ahead.
 */
export function createUploadContext(client: Client, connections = DEFAULT_CONNECTIONS): UploadContext {
  const routes = createUploadApi(createApiFetch({ baseUrl: client.baseUrl, headers: { authorization: `Bearer ${client.token}` } }));
  const creates = new BatchCoalescer(routes.createUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  const completes = new BatchCoalescer(routes.completeUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  return {
    routes,
    api: { create: (body) => creates.call(body), createMany: routes.createUploads, complete: (id) => completes.call(id), cancel: routes.cancelUpload },
    pool: new ConnectionPool(connections),
  };
}

/** The MIME type for a file name, from the same table the server checks extensions against. */
export function typeForName(name: string): string | null {
  const ext = extensionOf(name);
  const match = Object.entries(EXTENSIONS_BY_TYPE).find(([, exts]) => exts.includes(ext));
  return match?.[0] ?? null;
}

/**
 * Measures every file before the run, so the small ones can be recorded ahead of their turn. A
 * file that can't be measured (or has no known type) is left to its turn, which fails it with the
 * reason, as before.
 */
export async function planFiles(paths: readonly string[]): Promise<QueuedFile[]> {
  const sizes = await Promise.all(paths.map((file) => stat(file).then((stats) => (stats.isFile() ? stats.size : null), () => null)));
  return paths.map((file, i) => {
    const name = path.basename(file);
    const type = typeForName(name);
    const size = sizes[i];
    return { path: file, name, planned: type && size !== null && size !== undefined ? { key: String(i), name, size, type } : null };
  });
}

/** The file as it is now: what its create asks for, and its bytes. */
async function openFile(filePath: string): Promise<{ body: CreateUploadBody; blob: Blob }> {
  const name = path.basename(filePath);
  const size = (await stat(filePath)).size;
  const type = typeForName(name);
  if (!type) throw new ApiError(415, "unsupported_type", `No known type for "${name}".`);
  return { body: { name, size, type }, blob: await openAsBlob(filePath, { type }) };
}

/** Uploads one file (a form POST, or parts for a big one) through the context's shared batches and connections. */
export async function uploadFile({ routes, api, pool }: UploadContext, turn: Turn, onProgress: (p: Progress) => void): Promise<FileDto> {
  let opened: Awaited<ReturnType<typeof openFile>>;
  try {
    opened = await openFile(turn.file.path);
  } catch (err) {
    await turn.discard();
    throw err;
  }
  const { body, blob } = opened;
  const { name, size, type } = body;
  // The CLI never cancels an upload half-way; the shared jobs take a signal all the same. One per
  // file, since each wait and request listens on it (Node warns past 10 listeners on one signal).
  const signal = new AbortController().signal;
  const { file: record, upload } = await turn.record(body, signal);
  if (upload.strategy === "post") {
    let recordId = record.id;
    try {
      return await runSinglePost({
        api,
        pool,
        post: postWithFetch,
        // A File, so the form part carries the file's name as the browser's does.
        file: new File([blob], name, { type }),
        body,
        record,
        upload,
        signal,
        onCreated: (id) => {
          recordId = id;
        },
        onProgress: (sent) => onProgress({ name, sent, size }),
        onRetrying: () => {},
        onVerifying: () => {},
      });
    } catch (err) {
      // As the page does: a failed POST's record only holds quota until cleanup, so give it back.
      await api.cancel(recordId).catch(() => {});
      throw err;
    }
  }
  const transfer: MultipartTransfer = new MultipartTransfer(
    record.id,
    blob,
    upload,
    {
      pool,
      hash: crc32Base64,
      put: putPartWithFetch,
      api: {
        signParts: routes.signParts,
        reportParts: routes.reportParts,
        completeMultipart: (id) => callWithRetries("complete", () => routes.completeUpload(id), signal),
      },
    },
    () => onProgress({ name, sent: transfer.bytesSent(), size }),
  );
  return transfer.run();
}
