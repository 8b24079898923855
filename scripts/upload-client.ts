/**
 * The upload page's engine from Node, for the command-line uploader: the same API client (with an
 * API token instead of the session cookie), the same POST job and retry rules, and the same
 * multipart transfer. Only the bytes travel differently, over fetch (fetch-transport.ts).
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
import { callWithRetries, createWithRetries, runSinglePost, type PostApi } from "../client/post/post-job";
import { MAX_BATCH_ITEMS, type FileDto } from "../lib/contracts/upload-schemas";
import { EXTENSIONS_BY_TYPE, extensionOf } from "../lib/upload-rules";
import { postWithFetch, putPartWithFetch } from "./fetch-transport";

export type Client = { baseUrl: string; token: string };

export type Progress = { name: string; sent: number; size: number };

export type UploadContext = {
  routes: UploadRoutes;
  /** What the POST job needs, with creates and completes batched across files. */
  api: Pick<PostApi, "create" | "complete" | "cancel">;
  pool: ConnectionPool;
};

/**
 * Creates and completes made by files running at the same time share batch requests
 * (/api/uploads/batch and /batch/complete), as the upload page's do: one request per handful of
 * small files instead of two per file.
 */
export function createUploadContext(client: Client, connections = DEFAULT_CONNECTIONS): UploadContext {
  const routes = createUploadApi(createApiFetch({ baseUrl: client.baseUrl, headers: { authorization: `Bearer ${client.token}` } }));
  const creates = new BatchCoalescer(routes.createUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  const completes = new BatchCoalescer(routes.completeUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  return {
    routes,
    api: { create: (body) => creates.call(body), complete: (id) => completes.call(id), cancel: routes.cancelUpload },
    pool: new ConnectionPool(connections),
  };
}

/** The MIME type for a file name, from the same table the server checks extensions against. */
export function typeForName(name: string): string | null {
  const ext = extensionOf(name);
  const match = Object.entries(EXTENSIONS_BY_TYPE).find(([, exts]) => exts.includes(ext));
  return match?.[0] ?? null;
}

/** Uploads one file (a form POST, or parts for a big one) through the context's shared batches and connections. */
export async function uploadFile({ routes, api, pool }: UploadContext, filePath: string, onProgress: (p: Progress) => void): Promise<FileDto> {
  const name = path.basename(filePath);
  const size = (await stat(filePath)).size;
  const type = typeForName(name);
  if (!type) throw new ApiError(415, "unsupported_type", `No known type for "${name}".`);
  const blob = await openAsBlob(filePath, { type });
  const body = { name, size, type };
  // The CLI never cancels an upload half-way; the shared jobs take a signal all the same. One per
  // file, since each wait and request listens on it (Node warns past 10 listeners on one signal).
  const signal = new AbortController().signal;
  const { file: record, upload } = await createWithRetries(api, body, signal);
  if (upload.strategy === "post") {
    return runSinglePost({
      api,
      pool,
      post: postWithFetch,
      // A File, so the form part carries the file's name as the browser's does.
      file: new File([blob], name, { type }),
      body,
      record,
      upload,
      signal,
      onCreated: () => {},
      onProgress: (sent) => onProgress({ name, sent, size }),
      onRetrying: () => {},
      onVerifying: () => {},
    });
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
