/**
 * The upload API from Node, for the command-line uploader: the same routes the browser uses,
 * authenticated with an API token, and the same pure multipart engine (lib/) driven with fetch.
 */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { crc32Base64 } from "../client/hashing/checksum";
import { BatchCoalescer } from "../client/api/batch-coalescer";
import { settleBatchItem } from "../client/api/batch-result";
import { ConnectionPool, DEFAULT_CONNECTIONS } from "../client/connection-pool";
import { MultipartTransfer } from "../client/multipart/multipart-transfer";
import { newIdempotencyKey } from "../client/api/idempotency-key";
import { PartTransferError } from "../client/multipart/part-transport";
import { retryAfterMs } from "../lib/retry-policy";
import { decideRetry, isPolicyExpired } from "../client/post/post-retry";
import { EXTENSIONS_BY_TYPE, extensionOf } from "../lib/upload-rules";
import {
  MAX_BATCH_ITEMS,
  type CompleteUploadResponse,
  type CompleteUploadsResponse,
  type CreateUploadResponse,
  type CreateUploadsResponse,
  type FileDto,
  type PartReport,
  type SignPartsResponse,
} from "../lib/contracts/upload-schemas";

export class CliApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export type Client = { baseUrl: string; token: string };

type CreateBody = { name: string; size: number; type: string; idempotencyKey: string };

/**
 * Creates and completes made by files running at the same time share batch requests
 * (/api/uploads/batch and /batch/complete), as the upload page's do: one request per handful of
 * small files instead of two per file.
 */
export type Batchers = {
  create: BatchCoalescer<CreateBody, CreateUploadResponse>;
  complete: BatchCoalescer<string, CompleteUploadResponse>;
};

const toCliError = (status: number, code: string, message: string) => new CliApiError(status, code, message);

export function createBatchers(client: Client): Batchers {
  return {
    create: new BatchCoalescer(
      async (files: CreateBody[]) => (await call<CreateUploadsResponse>(client, "/api/uploads/batch", { files })).results.map((r) => settleBatchItem<CreateUploadResponse>(r, toCliError)),
      { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 },
    ),
    complete: new BatchCoalescer(
      async (ids: string[]) => (await call<CompleteUploadsResponse>(client, "/api/uploads/batch/complete", { ids })).results.map((r) => settleBatchItem<CompleteUploadResponse>(r, toCliError)),
      { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 },
    ),
  };
}

async function call<T>(client: Client, route: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(route, client.baseUrl), {
      method,
      headers: { authorization: `Bearer ${client.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliApiError(0, "network_error", `${client.baseUrl} could not be reached.`);
  }
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const error = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  const message = error?.error?.message ?? `The server answered ${res.status}.`;
  throw new CliApiError(res.status, error?.error?.code ?? "internal", message, retryAfterMs(res.headers.get("retry-after")));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One API step, tried again after no answer, 408, 429 or 5xx, with the page's policy (lib/upload-retry.ts). */
async function withRetries<T>(step: "create" | "complete", run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof CliApiError)) throw err;
      const decision = decideRetry(step, { status: err.status, retryAfterMs: err.retryAfterMs }, attempt, Math.random());
      if (decision.action !== "retry") throw err;
      await sleep(decision.delayMs);
    }
  }
}

/** Records the file and signs its upload; one idempotency key for every try, so a lost answer never makes a second record. */
function createRecord(batchers: Batchers, body: { name: string; size: number; type: string }): Promise<CreateUploadResponse> {
  const keyed = { ...body, idempotencyKey: newIdempotencyKey() };
  return withRetries("create", () => batchers.create.call(keyed));
}

/**
 * The form POST to storage, sent again after a dropped connection, a 5xx or SlowDown, and with a
 * fresh record and policy once the policy has expired, as the upload page does. Returns the record
 * the bytes went to.
 */
async function postWithRetries(
  { client, batchers, pool }: UploadContext,
  blob: Blob,
  body: { name: string; size: number; type: string },
  created: CreateUploadResponse,
): Promise<FileDto> {
  let { file, upload } = created;
  for (let attempt = 1; ; attempt++) {
    if (upload.strategy !== "post") throw new CliApiError(409, "conflict", "The server switched this file to a multipart upload.");
    const form = new FormData();
    for (const [key, value] of Object.entries(upload.fields)) form.append(key, value);
    form.append("file", blob, body.name);
    const release = await pool.acquire();
    const res = await fetch(upload.url, { method: "POST", body: form })
      .catch(() => null)
      .finally(release);
    if (res?.ok) return file;
    const failure = { status: res?.status ?? 0, body: (await res?.text().catch(() => "")) ?? "", retryAfterMs: retryAfterMs(res?.headers.get("retry-after") ?? null) };
    const decision = decideRetry("post", failure, attempt, Math.random(), isPolicyExpired(upload.expiresAt, Date.now()));
    if (decision.action === "fail") throw new CliApiError(failure.status, "storage_refused", `Storage refused the upload (${failure.status || "no answer"}).`);
    await sleep(decision.delayMs);
    if (decision.action === "renew") {
      // Nobody will POST with the expired policy again; cleanup expires the old record if this call is lost.
      await call<void>(client, `/api/uploads/${file.id}`, undefined, "DELETE").catch(() => {});
      ({ file, upload } = await createRecord(batchers, body));
    }
  }
}

/** The MIME type for a file name, from the same table the server checks extensions against. */
export function typeForName(name: string): string | null {
  const ext = extensionOf(name);
  const match = Object.entries(EXTENSIONS_BY_TYPE).find(([, exts]) => exts.includes(ext));
  return match?.[0] ?? null;
}

/** fetch has no upload progress; a part's bytes count once S3 has accepted it. */
async function putPartWithFetch(
  url: string,
  body: Blob,
  checksum: string,
  options: { signal: AbortSignal; onProgress: (loaded: number) => void },
): Promise<{ etag: string }> {
  let res: Response;
  try {
    res = await fetch(url, { method: "PUT", body: Buffer.from(await body.arrayBuffer()), headers: { "x-amz-checksum-crc32": checksum }, signal: options.signal });
  } catch (err) {
    if (options.signal.aborted) throw err;
    throw new PartTransferError(0, "", null);
  }
  const etag = res.headers.get("etag");
  if (!res.ok || !etag) throw new PartTransferError(res.status, await res.text(), res.headers.get("retry-after"));
  options.onProgress(body.size);
  return { etag };
}

export type Progress = { name: string; sent: number; size: number };

export type UploadContext = { client: Client; batchers: Batchers; pool: ConnectionPool };

export function createUploadContext(client: Client, connections = DEFAULT_CONNECTIONS): UploadContext {
  return { client, batchers: createBatchers(client), pool: new ConnectionPool(connections) };
}

/** Uploads one file (a form POST, or parts for a big one) through the context's shared batches and connections. */
export async function uploadFile(context: UploadContext, filePath: string, onProgress: (p: Progress) => void): Promise<FileDto> {
  const { client, batchers, pool } = context;
  const name = path.basename(filePath);
  const size = (await stat(filePath)).size;
  const type = typeForName(name);
  if (!type) throw new CliApiError(415, "unsupported_type", `No known type for "${name}".`);
  const blob = await openAsBlob(filePath, { type });
  const created = await createRecord(batchers, { name, size, type });
  const { file, upload } = created;
  if (upload.strategy === "post") {
    const stored = await postWithRetries(context, blob, { name, size, type }, created);
    onProgress({ name, sent: size, size });
    return (await withRetries("complete", () => batchers.complete.call(stored.id))).file;
  }
  const transfer: MultipartTransfer = new MultipartTransfer(
    file.id,
    blob,
    upload,
    {
      pool,
      hash: crc32Base64,
      put: putPartWithFetch,
      api: {
        signParts: (id, partNumbers, checksums) => call<SignPartsResponse>(client, `/api/uploads/${id}/parts`, { partNumbers, checksums }),
        reportParts: (id, parts: PartReport[]) => call<void>(client, `/api/uploads/${id}/parts/done`, { parts }),
        completeMultipart: (id) => withRetries("complete", () => call<CompleteUploadResponse>(client, `/api/uploads/${id}/complete`, {})),
      },
    },
    () => onProgress({ name, sent: transfer.bytesSent(), size }),
  );
  return transfer.run();
}
