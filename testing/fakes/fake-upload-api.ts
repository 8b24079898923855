/**
 * Our upload API in memory, for the browser engine's unit tests: it records files, signs POSTs
 * and part URLs, and completes an upload only once storage (testing/fakes/fake-storage.ts)
 * holds what was promised, as the real routes do against S3. Every call is logged; a test can
 * make the next calls of a route fail, or hold them until it releases them.
 */
import { ApiError } from "@/client/api/api-error";
import type { ClientErrorCode } from "@/lib/contracts/errors";
import type { Settled } from "@/client/api/batch-coalescer";
import type { UploadApi } from "@/client/api/upload-api";
import type { PreviewApi } from "@/client/preview/preview-batches";
import { isPreviewable, isPreviewType, PREVIEW_MAX_BYTES, type CompletedPreview, type FailedPreview, type PlannedPreview, type PreviewPlan } from "@/lib/contracts/preview-schemas";
import type { CreateUploadBody, CreateUploadResponse, FileItemJson, PartReport, UploadTarget } from "@/lib/contracts/upload-schemas";
import type { FakeStorage } from "./fake-storage";

export type Route =
  | "create"
  | "createMany"
  | "complete"
  | "completeMany"
  | "completeMultipart"
  | "cancel"
  | "getUpload"
  | "signParts"
  | "reportParts"
  | "planPreviews"
  | "completePreviews"
  | "reportFailedPreviews";

export type FakeFileItem = {
  file: FileItemJson;
  upload: UploadTarget;
  key: string;
  parts: Map<number, string>;
  idempotencyKey?: string;
  /** The preview's staging key once one was planned. */
  previewKey?: string;
};

export type FakeServerOptions = {
  /** Files of this many bytes or more get a multipart upload. */
  multipartFrom?: number;
  partSize?: number;
  /** How long a signed POST policy lasts. */
  policyTtlMs?: number;
  /** "put": small files and previews get presigned PUTs (their URL is their key), and a create without the file's checksum is refused, as the server does for stores without POST Object. */
  smallUploads?: "post" | "put";
  /** What each multipart upload's parts carry (the server's `upload.checksum`); crc32 unless set. */
  partChecksum?: "crc32" | null;
};

export const POLICY_TTL_MS = 10 * 60_000;

export function apiError(status: number, code: ClientErrorCode, retryAfterMs: number | null = null): ApiError {
  return new ApiError(status, code, `${code} (${status})`, retryAfterMs);
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

export class FakeUploadServer {
  readonly fileItems = new Map<string, FakeFileItem>();
  readonly calls: Array<{ route: Route; arg: unknown }> = [];
  /** Answers a create with this error instead of a file item (a type or quota the server refuses). */
  refuse: ((body: CreateUploadBody) => ApiError | null) | null = null;
  /** Answers one preview of a plan with this error instead of a form. */
  refusePreview: ((plan: PreviewPlan) => ApiError | null) | null = null;
  /** Answers one preview of a complete with this error instead of recording it (its check failed on storage). */
  refuseCompletePreview: ((fileItemId: string) => ApiError | null) | null = null;
  private readonly faults = new Map<Route, unknown[]>();
  private readonly held = new Map<Route, Array<() => void>>();
  private readonly holding = new Set<Route>();
  private nextId = 0;

  constructor(
    private readonly storage: FakeStorage,
    private readonly options: FakeServerOptions = {},
  ) {}

  /** The arguments of each call to `route`, in order. */
  argsOf<T = unknown>(route: Route): T[] {
    return this.calls.filter((call) => call.route === route).map((call) => call.arg as T);
  }

  /** The next calls of `route` throw these errors, in order, before doing anything. */
  failNext(route: Route, ...errors: unknown[]) {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...errors]);
  }

  /** Calls of `route` wait (after being logged) until `release(route)`. */
  hold(route: Route) {
    this.holding.add(route);
  }

  release(route: Route) {
    this.holding.delete(route);
    for (const resume of this.held.get(route)?.splice(0) ?? []) resume();
  }

  /** The browser's API over this server, as the store is given it (completes not coalesced). */
  readonly api: UploadApi = {
    create: async (body) => {
      await this.enter("create", body);
      const refusal = this.refusalOf(body);
      if (refusal) throw refusal;
      return this.answer(this.fileItemFor(body));
    },
    createMany: async (bodies) => {
      await this.enter("createMany", bodies);
      return bodies.map((body): Settled<CreateUploadResponse> => {
        const refusal = this.refusalOf(body);
        return refusal ? { ok: false, error: refusal } : { ok: true, value: this.answer(this.fileItemFor(body)) };
      });
    },
    complete: async (id) => {
      await this.enter("complete", id);
      return { file: this.completePost(id) };
    },
    completeMultipart: async (id) => {
      await this.enter("completeMultipart", id);
      const fileItem = this.pending(id);
      if (fileItem.upload.strategy !== "multipart" || fileItem.parts.size < fileItem.upload.partCount) throw apiError(409, "upload_incomplete");
      return { file: this.markUploaded(fileItem) };
    },
    cancel: async (id) => {
      await this.enter("cancel", id);
      const fileItem = this.pending(id);
      fileItem.file = { ...fileItem.file, status: "aborted" };
    },
    getUpload: async (id) => {
      await this.enter("getUpload", id);
      const fileItem = this.fileItems.get(id);
      if (!fileItem) throw apiError(404, "not_found");
      // As the route does: the upload and its stored parts only for a multipart upload still pending.
      if (fileItem.upload.strategy !== "multipart" || fileItem.file.status !== "pending") return { file: fileItem.file, upload: null, parts: [] };
      const size = fileItem.upload.partSize;
      const parts = [...fileItem.parts].map(([partNumber, etag]) => ({ partNumber, etag, size }));
      return { file: fileItem.file, upload: fileItem.upload, parts };
    },
    signParts: async (id, partNumbers, checksums) => {
      await this.enter("signParts", partNumbers);
      const fileItem = this.pending(id);
      // As the route does: every part's CRC32 on a crc32 upload, none on an upload without part checksums.
      const checksummed = fileItem.upload.strategy === "multipart" && fileItem.upload.checksum === "crc32";
      if (checksummed !== (checksums !== undefined && partNumbers.every((n) => checksums[String(n)]))) throw apiError(400, "bad_request");
      const expiresAt = new Date(Date.now() + POLICY_TTL_MS).toISOString();
      return { parts: partNumbers.map((partNumber) => ({ partNumber, url: `${id}/part/${partNumber}`, expiresAt })) };
    },
    reportParts: async (id, parts: PartReport[]) => {
      await this.enter("reportParts", parts.map((part) => part.partNumber));
      const fileItem = this.pending(id);
      for (const part of parts) fileItem.parts.set(part.partNumber, part.etag);
    },
  };

  /**
   * The preview routes, as the PreviewQueue is given them: POST /api/previews signs a form per
   * preview of an uploaded file item (404, 409 conflict before it is uploaded, 409 not_previewable,
   * 413, 415, each on its own), POST /api/previews/complete records each preview storage holds,
   * POST /api/previews/failed records each uploaded photo or video without a stored preview as one
   * that cannot be made (previewWanted false).
   */
  readonly previewApi: PreviewApi = {
    planPreviews: async (plans) => {
      await this.enter("planPreviews", plans);
      return plans.map((plan): Settled<PlannedPreview> => {
        try {
          return { ok: true, value: this.planPreview(plan) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    },
    completePreviews: async (ids) => {
      await this.enter("completePreviews", ids);
      return ids.map((id): Settled<CompletedPreview> => {
        const fileItem = this.fileItems.get(id);
        if (!fileItem || fileItem.file.status !== "uploaded") return { ok: false, error: apiError(404, "not_found") };
        if (!fileItem.previewKey || !this.storage.objects.has(fileItem.previewKey)) return { ok: false, error: apiError(409, "upload_incomplete") };
        const refusal = this.refuseCompletePreview?.(id);
        if (refusal) return { ok: false, error: refusal };
        const previewUrl = `https://storage.test/bucket/${fileItem.previewKey}`;
        fileItem.file = { ...fileItem.file, previewUrl, previewWanted: false };
        return { ok: true, value: { fileItemId: id, previewUrl } };
      });
    },
    reportFailedPreviews: async (ids) => {
      await this.enter("reportFailedPreviews", ids);
      return ids.map((id): Settled<FailedPreview> => {
        const fileItem = this.fileItems.get(id);
        if (!fileItem) return { ok: false, error: apiError(404, "not_found") };
        if (fileItem.file.status !== "uploaded" || fileItem.file.previewUrl !== null) return { ok: false, error: apiError(409, "conflict") };
        if (!isPreviewable(fileItem.file.type)) return { ok: false, error: apiError(409, "not_previewable") };
        fileItem.file = { ...fileItem.file, previewWanted: false };
        return { ok: true, value: { fileItemId: id } };
      });
    },
  };

  private planPreview(plan: PreviewPlan): PlannedPreview {
    const fileItem = this.fileItems.get(plan.fileItemId);
    if (!fileItem) throw apiError(404, "not_found");
    if (fileItem.file.status !== "uploaded") throw apiError(409, "conflict");
    if (!isPreviewable(fileItem.file.type)) throw apiError(409, "not_previewable");
    if (plan.size > PREVIEW_MAX_BYTES) throw apiError(413, "too_large");
    if (!isPreviewType(plan.type)) throw apiError(415, "unsupported_type");
    const refusal = this.refusePreview?.(plan);
    if (refusal) throw refusal;
    fileItem.previewKey = `${fileItem.key}.preview`;
    const expiresAt = new Date(Date.now() + (this.options.policyTtlMs ?? POLICY_TTL_MS)).toISOString();
    if (this.options.smallUploads === "put") {
      if (!plan.checksum) throw apiError(400, "bad_request");
      return { fileItemId: plan.fileItemId, upload: { strategy: "put", url: fileItem.previewKey, headers: { "Content-Type": plan.type, "x-amz-checksum-crc32": plan.checksum }, expiresAt } };
    }
    return { fileItemId: plan.fileItemId, upload: { strategy: "post", url: "https://storage.test/bucket", fields: { key: fileItem.previewKey, policy: `${plan.fileItemId}.preview` }, expiresAt } };
  }

  /** The test's refusal, else the server's own: a file that goes by PUT without its checksum. */
  private refusalOf(body: CreateUploadBody): ApiError | null {
    const refusal = this.refuse?.(body);
    if (refusal) return refusal;
    const byPut = this.options.smallUploads === "put" && body.size < (this.options.multipartFrom ?? Infinity);
    return byPut && !body.checksum ? apiError(400, "bad_request") : null;
  }

  /** POST /api/uploads/batch/complete, for a BatchCoalescer in front of `complete`, as the page has. */
  completeMany = async (ids: string[]): Promise<Settled<{ file: FileItemJson }>[]> => {
    await this.enter("completeMany", ids);
    return ids.map((id) => {
      try {
        return { ok: true, value: { file: this.completePost(id) } };
      } catch (error) {
        return { ok: false, error };
      }
    });
  };

  /** A file item made outside the store (another tab, an earlier visit), as the server would keep it. */
  seed(body: CreateUploadBody): FakeFileItem {
    return this.fileItemFor(body);
  }

  private async enter(route: Route, arg: unknown) {
    this.calls.push({ route, arg });
    await tick();
    if (this.holding.has(route)) await new Promise<void>((resume) => this.held.set(route, [...(this.held.get(route) ?? []), resume]));
    const fault = this.faults.get(route)?.shift();
    if (fault !== undefined) throw fault;
  }

  private answer(fileItem: FakeFileItem): CreateUploadResponse {
    return { file: fileItem.file, upload: fileItem.upload };
  }

  private fileItemFor(body: CreateUploadBody): FakeFileItem {
    const same = body.idempotencyKey && [...this.fileItems.values()].find((fileItem) => fileItem.idempotencyKey === body.idempotencyKey);
    if (same) {
      // As the real route does for a repeated key: the same file item, with a freshly signed policy.
      if (same.upload.strategy !== "multipart") same.upload = { ...same.upload, expiresAt: new Date(Date.now() + (this.options.policyTtlMs ?? POLICY_TTL_MS)).toISOString() };
      return same;
    }
    const id = `file-${++this.nextId}`;
    const key = `key-${id}`;
    const now = new Date(Date.now()).toISOString();
    const file: FileItemJson = { id, name: body.name, path: body.path ?? null, size: body.size, type: body.type, status: "pending", createdAt: now, uploadedAt: null, checksum: null, previewUrl: null, previewWanted: false };
    const partSize = this.options.partSize ?? 4;
    const expiresAt = new Date(Date.now() + (this.options.policyTtlMs ?? POLICY_TTL_MS)).toISOString();
    const upload: UploadTarget =
      body.size >= (this.options.multipartFrom ?? Infinity)
        ? {
            strategy: "multipart",
            partSize,
            partCount: Math.max(1, Math.ceil(body.size / partSize)),
            checksum: this.options.partChecksum === undefined ? "crc32" : this.options.partChecksum,
            expiresAt: now,
          }
        : this.options.smallUploads === "put"
          ? { strategy: "put", url: key, headers: { "Content-Type": body.type, "x-amz-checksum-crc32": body.checksum!, "If-None-Match": "*" }, expiresAt }
          : { strategy: "post", url: "https://storage.test/bucket", fields: { key, policy: id }, expiresAt };
    const fileItem: FakeFileItem = { file, upload, key, parts: new Map(), idempotencyKey: body.idempotencyKey };
    this.fileItems.set(id, fileItem);
    return fileItem;
  }

  private pending(id: string): FakeFileItem {
    const fileItem = this.fileItems.get(id);
    if (!fileItem) throw apiError(404, "not_found");
    if (fileItem.file.status !== "pending") throw apiError(409, "conflict");
    return fileItem;
  }

  private completePost(id: string): FileItemJson {
    const fileItem = this.pending(id);
    if (!this.storage.objects.has(fileItem.key)) throw apiError(409, "upload_incomplete");
    return this.markUploaded(fileItem);
  }

  /** As toFileItemJson answers it: an uploaded photo or video wants its preview until one is recorded. */
  private markUploaded(fileItem: FakeFileItem): FileItemJson {
    fileItem.file = { ...fileItem.file, status: "uploaded", uploadedAt: new Date(Date.now()).toISOString(), previewUrl: null, previewWanted: isPreviewable(fileItem.file.type) };
    return fileItem.file;
  }
}
