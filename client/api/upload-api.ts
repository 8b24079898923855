/**
 * This app's upload routes, over a fetcher (api-fetch.ts): the page binds them to its own origin,
 * the CLI to the app's URL and an API token. Refusals are thrown as ApiError, so callers branch on `code`.
 */
import type { ClientErrorCode } from "@/lib/contracts/errors";
import { ApiError } from "./api-error";
import { callApi, jsonRequest, type ApiFetch } from "./api-fetch";
import type { Settled } from "./batch-coalescer";
import { settleBatchItem } from "./batch-result";
import type {
  BatchItemError,
  CompleteUploadResponse,
  CreateUploadBody,
  CreateUploadResponse,
  PartReport,
  SignPartsResponse,
  UploadSettings,
  UploadStatusResponse,
} from "@/lib/contracts/upload-schemas";
import type { MultipartApi } from "@/client/multipart/multipart-api";
import type {
  CompletedPreview,
  FailedPreview,
  PlannedPreview,
  PreviewPlan,
} from "@/lib/contracts/preview-schemas";

/** A batch item's refusal is the error the single route would have thrown for that file. */
const toApiError = (status: number, code: string, message: string) => new ApiError(status, code as ClientErrorCode, message);

const uploadPath = (id: string, rest = "") => `/api/uploads/${encodeURIComponent(id)}${rest}`;

export function createUploadApi(call: ApiFetch) {
  /** POSTs a batch route and settles each item of its answer on its own. */
  const batchCall = async <T>(path: string, body: unknown): Promise<Settled<T>[]> => {
    const { results } = await call<{ results: Array<({ status: number } & T) | BatchItemError> }>(path, jsonRequest("POST", body));
    return results.map((result) => settleBatchItem<T>(result, toApiError));
  };

  return {
    // GET /api/uploads/settings - how files of each size are sent (the page has it from its render)
    uploadSettings: (): Promise<UploadSettings> => call("/api/uploads/settings"),

    // POST /api/uploads - store the file item and sign its upload
    createUpload: (body: CreateUploadBody): Promise<CreateUploadResponse> => call("/api/uploads", jsonRequest("POST", body)),

    // POST /api/uploads/batch - store many file items and sign each one's upload, answered per file
    createUploads: (bodies: CreateUploadBody[]): Promise<Settled<CreateUploadResponse>[]> => batchCall("/api/uploads/batch", { files: bodies }),

    // POST /api/uploads/batch/complete - complete many uploads, answered per upload
    completeUploads: (ids: string[]): Promise<Settled<CompleteUploadResponse>[]> => batchCall("/api/uploads/batch/complete", { ids }),

    // POST /api/uploads/{id}/complete - ask the server to check S3 and mark the file uploaded
    completeUpload: (id: string): Promise<CompleteUploadResponse> => call(uploadPath(id, "/complete"), { method: "POST" }),

    // DELETE /api/uploads/{id} - abandon a pending upload
    cancelUpload: (id: string): Promise<void> => call(uploadPath(id), { method: "DELETE" }),

    // GET /api/uploads/{id} - the upload and the parts already stored, to resume it
    getUpload: (id: string): Promise<UploadStatusResponse> => call(uploadPath(id)),

    // POST /api/uploads/{id}/parts - presigned part URLs, each bound to the part's size and (on a crc32 upload) its CRC32
    signParts: (id: string, partNumbers: number[], checksums: Record<string, string> | undefined): Promise<SignPartsResponse> =>
      call(uploadPath(id, "/parts"), jsonRequest("POST", { partNumbers, checksums })),

    // POST /api/uploads/{id}/parts/done - record parts S3 stored
    reportParts: (id: string, parts: PartReport[]): Promise<void> => call(uploadPath(id, "/parts/done"), jsonRequest("POST", { parts })),

    // POST /api/previews - plan the previews of uploaded file items and sign a form for each, answered per preview
    planPreviews: (plans: PreviewPlan[]): Promise<Settled<PlannedPreview>[]> => batchCall("/api/previews", { previews: plans }),

    // POST /api/previews/complete - check the posted previews and record them, answered per preview
    completePreviews: (fileItemIds: string[]): Promise<Settled<CompletedPreview>[]> => batchCall("/api/previews/complete", { fileItemIds }),

    // POST /api/previews/failed - record the previews that cannot be made (their pictures would not decode), answered per file
    reportFailedPreviews: (fileItemIds: string[]): Promise<Settled<FailedPreview>[]> => batchCall("/api/previews/failed", { fileItemIds }),
  };
}

export type UploadRoutes = ReturnType<typeof createUploadApi>;

/**
 * What the upload engine needs of our API, whoever binds it: the page to its origin (completes of
 * small files coalesced), the CLI to the app's URL with a token, tests to an in-memory server.
 */
export type UploadApi = {
  create: (body: CreateUploadBody) => Promise<CreateUploadResponse>;
  /** Many file items in one request, each file's outcome on its own. */
  createMany: (bodies: CreateUploadBody[]) => Promise<Settled<CreateUploadResponse>[]>;
  complete: (id: string) => Promise<CompleteUploadResponse>;
  cancel: (id: string) => Promise<void>;
} & MultipartApi;

/** The page's upload routes, on its own origin. */
export const { createUpload, createUploads, completeUploads, completeUpload, cancelUpload, getUpload, signParts, reportParts, planPreviews, completePreviews, reportFailedPreviews } =
  createUploadApi(callApi);
