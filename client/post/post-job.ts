import { ApiError } from "@/client/api/upload-api";
import type { Settled } from "@/client/api/batch-coalescer";
import { newIdempotencyKey } from "@/client/api/idempotency-key";
import type { ConnectionPool } from "@/client/connection-pool";
import { decideRetry, isPolicyExpired, type RetryDecision, type StepFailure, type UploadStep } from "./post-retry";
import type { CompleteUploadResponse, CreateUploadBody, CreateUploadResponse, FileDto, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { postToStorage, TransferError } from "./post-transport";

export type PostApi = {
  create: (body: CreateUploadBody) => Promise<CreateUploadResponse>;
  /** Many records in one request, each file's outcome on its own. */
  createMany: (bodies: CreateUploadBody[]) => Promise<Settled<CreateUploadResponse>[]>;
  complete: (id: string) => Promise<CompleteUploadResponse>;
  cancel: (id: string) => Promise<void>;
};

/** Resolves after `ms`, or rejects as soon as the upload is cancelled. */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

function release(api: PostApi, id: string) {
  api.cancel(id).catch(() => {
    // Best effort: the server expires pending uploads it never hears about again.
  });
}

function failureOf(err: unknown): StepFailure | null {
  if (err instanceof ApiError) return { status: err.status, retryAfterMs: err.retryAfterMs };
  if (err instanceof TransferError) return { status: err.status, body: err.body, retryAfterMs: err.retryAfterMs };
  return null;
}

/** The decision for a failed try; anything that is not an answer from our API or storage (a bug, a cancel) is not retried. */
function decide(step: UploadStep, err: unknown, attempt: number, signal: AbortSignal, policyExpired = false): RetryDecision {
  const failure = failureOf(err);
  if (signal.aborted || !failure) return { action: "fail" };
  return decideRetry(step, failure, attempt, Math.random(), policyExpired);
}

/** Runs one API call, trying again after transient failures (network, 408, 429, 5xx) as lib/upload-retry.ts decides. */
export async function callWithRetries<T>(step: "create" | "complete", call: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const decision = decide(step, err, attempt, signal);
      if (decision.action === "fail") throw err;
      await waitUnlessAborted(decision.delayMs, signal);
    }
  }
}

/**
 * Sends a small file with its signed form POST and completes it. A transient storage failure
 * sends the same POST again after a backoff; an expired policy gets a fresh record and policy
 * (the old record is released). `onCreated` reports each new record, `onRetrying` each re-send.
 */
export async function runSinglePost(input: {
  api: PostApi;
  pool: ConnectionPool;
  file: File;
  body: CreateUploadBody;
  record: FileDto;
  upload: PostUploadTarget;
  signal: AbortSignal;
  onCreated: (id: string) => void;
  onProgress: (loaded: number) => void;
  onRetrying: () => void;
  onVerifying: () => void;
  /** The form POST to storage; the default is the browser's XHR. */
  post?: typeof postToStorage;
}): Promise<FileDto> {
  const { api, pool, file, signal, post = postToStorage } = input;
  let { record, upload } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      const release = await pool.acquire(signal);
      try {
        await post(upload, file, { signal, onProgress: input.onProgress });
      } finally {
        release();
      }
      break;
    } catch (err) {
      const decision = decide("post", err, attempt, signal, isPolicyExpired(upload.expiresAt, Date.now()));
      if (decision.action === "fail") throw err;
      input.onRetrying();
      await waitUnlessAborted(decision.delayMs, signal);
      if (decision.action === "renew") {
        // Nobody will POST with the expired policy again; best effort, cleanup expires it otherwise.
        release(api, record.id);
        // A new record, so a new key; the same key for each try of this create.
        const body = { ...input.body, idempotencyKey: newIdempotencyKey() };
        const fresh = await callWithRetries("create", () => api.create(body), signal);
        // Cancelled while the server was signing: nobody else knows this id, so release it here.
        if (signal.aborted) {
          release(api, fresh.file.id);
          throw signal.reason;
        }
        if (fresh.upload.strategy !== "post") throw new Error("The server switched this file to a multipart upload.");
        record = fresh.file;
        upload = fresh.upload;
        input.onCreated(record.id);
      }
    }
  }
  input.onVerifying();
  return (await callWithRetries("complete", () => api.complete(record.id), signal)).file;
}
