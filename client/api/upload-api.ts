/**
 * The browser's calls to this app's upload API, for React Query to run. Errors arrive as
 * `{ error: { code, message } }`; they are thrown as ApiError so callers branch on `code`.
 */
import type { ErrorBody } from "@/lib/contracts/errors";
import { retryAfterMs } from "@/lib/retry-policy";
import type { Settled } from "./batch-coalescer";
import { settleBatchItem } from "./batch-result";
import type {
  CompleteUploadResponse,
  CompleteUploadsResponse,
  CreateUploadBody,
  CreateUploadResponse,
  CreateUploadsResponse,
  ListFilesResponse,
  PartReport,
  SignPartsResponse,
  UploadStatusResponse,
} from "@/lib/contracts/upload-schemas";
import type { LibraryPage, LibrarySort, RenameFileResponse, SortOrder } from "@/lib/contracts/library-schemas";

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** From a 429's `Retry-After`: how long the server asks us to wait, or null when it didn't say. */
  readonly retryAfterMs: number | null;

  constructor(code: string, message: string, status: number, retryAfterMs: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Same-origin call to this app's API; a non-2xx answer is thrown as ApiError. */
export async function callApi<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, credentials: "same-origin" });
  } catch {
    throw new ApiError("network_error", "The server could not be reached.", 0);
  }
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const body = (await res.json().catch(() => null)) as ErrorBody | null;
  const retryAfter = retryAfterMs(res.headers.get("retry-after"));
  throw new ApiError(body?.error?.code ?? "internal", body?.error?.message ?? `The server answered ${res.status}.`, res.status, retryAfter);
}

export const FILES_QUERY_KEY = ["files"] as const;

// POST /api/uploads - record the file and sign its upload
export function createUpload(body: CreateUploadBody): Promise<CreateUploadResponse> {
  return callApi("/api/uploads", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

const toApiError = (status: number, code: string, message: string) => new ApiError(code, message, status);

// POST /api/uploads/batch - record many files and sign each one's upload, answered per file
export async function createUploads(bodies: CreateUploadBody[]): Promise<Settled<CreateUploadResponse>[]> {
  const { results } = await callApi<CreateUploadsResponse>("/api/uploads/batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ files: bodies }),
  });
  return results.map((result) => settleBatchItem<CreateUploadResponse>(result, toApiError));
}

// POST /api/uploads/batch/complete - complete many uploads, answered per upload
export async function completeUploads(ids: string[]): Promise<Settled<CompleteUploadResponse>[]> {
  const { results } = await callApi<CompleteUploadsResponse>("/api/uploads/batch/complete", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ids }),
  });
  return results.map((result) => settleBatchItem<CompleteUploadResponse>(result, toApiError));
}

// POST /api/uploads/{id}/complete - ask the server to check S3 and mark the file uploaded
export function completeUpload(id: string): Promise<CompleteUploadResponse> {
  return callApi(`/api/uploads/${encodeURIComponent(id)}/complete`, { method: "POST" });
}

// DELETE /api/uploads/{id} - abandon a pending upload
export function cancelUpload(id: string): Promise<void> {
  return callApi(`/api/uploads/${encodeURIComponent(id)}`, { method: "DELETE" });
}

// GET /api/uploads/{id} - the upload and the parts already stored, to resume it
export function getUpload(id: string): Promise<UploadStatusResponse> {
  return callApi(`/api/uploads/${encodeURIComponent(id)}`);
}

// POST /api/uploads/{id}/parts - presigned part URLs, each bound to the part's size and CRC32
export function signParts(id: string, partNumbers: number[], checksums: Record<string, string>): Promise<SignPartsResponse> {
  return callApi(`/api/uploads/${encodeURIComponent(id)}/parts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ partNumbers, checksums }),
  });
}

// POST /api/uploads/{id}/parts/done - record parts S3 stored
export function reportParts(id: string, parts: PartReport[]): Promise<void> {
  return callApi(`/api/uploads/${encodeURIComponent(id)}/parts/done`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ parts }),
  });
}

// GET /api/files - the caller's uploaded files, newest first
export function listFiles(): Promise<ListFilesResponse> {
  return callApi("/api/files");
}

/** What a person reads when an upload fails, by error code; the server's own text where it names a limit. */
export function failureMessage(code: string, message: string): string {
  switch (code) {
    case "too_large":
    case "unsupported_type":
    case "quota_exceeded":
    case "bad_request":
      return message;
    case "storage_refused":
      return `${message} Retry to get a fresh signature.`;
    case "upload_incomplete":
      return "Storage did not receive the whole file. Retry to send it again.";
    case "unauthorized":
      return "Your session has ended. Sign in again, then retry.";
    case "not_found":
      return "The server no longer knows this upload. Retry to start over.";
    case "rate_limited":
      return "Too many uploads at once. Retry in a moment.";
    case "storage_unavailable":
    case "storage_error":
      return "File storage is unavailable. Retry in a moment.";
    case "part_failed":
      return `${message} Retry to send the missing parts.`;
    case "network_error":
      return "The connection dropped. Check your network, then retry.";
    default:
      return "Something went wrong on our side. Retry in a moment.";
  }
}

/** What the files library asks for; empty values are left out of the query string. */
export type LibraryQuery = { q?: string; type?: string; sort?: LibrarySort; order?: SortOrder; limit?: number; cursor?: string | null };

// GET /api/files - one page of the caller's files, filtered and sorted, with their usage
export function listLibraryPage(query: LibraryQuery): Promise<LibraryPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  const search = params.toString();
  return callApi(search ? `/api/files?${search}` : "/api/files");
}

// PATCH /api/files/{id} - change the display name
export function renameFile(id: string, name: string): Promise<RenameFileResponse> {
  return callApi(`/api/files/${encodeURIComponent(id)}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
}

// DELETE /api/files/{id} - remove the file from storage, then from the library
export function deleteFile(id: string): Promise<void> {
  return callApi(`/api/files/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** GET /api/files/{id}/download redirects to a short-lived link that downloads as an attachment. */
export function downloadHref(id: string): string {
  return `/api/files/${encodeURIComponent(id)}/download`;
}
