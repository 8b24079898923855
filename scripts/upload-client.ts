/**
 * The upload API from Node, for the command-line uploader: the same routes the browser uses,
 * authenticated with an API token, and the same pure multipart engine (lib/) driven with fetch.
 */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { crc32Base64 } from "../lib/checksum";
import { ConnectionPool, DEFAULT_CONNECTIONS } from "../lib/connection-pool";
import { MultipartTransfer } from "../lib/multipart-transfer";
import { PartTransferError } from "../lib/part-transport";
import { EXTENSIONS_BY_TYPE, extensionOf } from "../lib/upload-rules";
import type { CompleteUploadResponse, CreateUploadResponse, FileDto, PartReport, SignPartsResponse } from "../lib/upload-schemas";

export class CliApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Client = { baseUrl: string; token: string };

async function call<T>(client: Client, route: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(route, client.baseUrl), {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${client.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const error = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  throw new CliApiError(res.status, error?.error?.code ?? "internal", error?.error?.message ?? `The server answered ${res.status}.`);
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

export async function uploadFile(client: Client, filePath: string, onProgress: (p: Progress) => void, pool = new ConnectionPool(DEFAULT_CONNECTIONS)): Promise<FileDto> {
  const name = path.basename(filePath);
  const size = (await stat(filePath)).size;
  const type = typeForName(name);
  if (!type) throw new CliApiError(415, "unsupported_type", `No known type for "${name}".`);
  const blob = await openAsBlob(filePath, { type });
  const { file, upload } = await call<CreateUploadResponse>(client, "/api/uploads", { name, size, type });
  if (upload.strategy === "post") {
    const form = new FormData();
    for (const [key, value] of Object.entries(upload.fields)) form.append(key, value);
    form.append("file", blob, name);
    const res = await fetch(upload.url, { method: "POST", body: form });
    if (!res.ok) throw new CliApiError(res.status, "storage_refused", `Storage refused the upload (${res.status}).`);
    onProgress({ name, sent: size, size });
    return (await call<CompleteUploadResponse>(client, `/api/uploads/${file.id}/complete`, {})).file;
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
        signParts: async (id, partNumbers, checksums) =>
          (await call<SignPartsResponse>(client, `/api/uploads/${id}/parts`, { partNumbers, checksums })).parts,
        reportParts: (id, parts: PartReport[]) => call<void>(client, `/api/uploads/${id}/parts/done`, { parts }),
        complete: async (id) => (await call<CompleteUploadResponse>(client, `/api/uploads/${id}/complete`, {})).file,
      },
    },
    () => onProgress({ name, sent: transfer.bytesSent(), size }),
  );
  return transfer.run();
}
