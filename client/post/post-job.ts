import { ApiError } from "@/client/api/api-error";
import type { Settled } from "@/client/api/batch-coalescer";
import { newIdempotencyKey } from "@/client/api/idempotency-key";
import type { ConnectionPool } from "@/client/connection-pool";
import { decideRetry, isPolicyExpired, type RetryDecision, type StepFailure, type UploadStep } from "./post-retry";
import type { CompleteUploadResponse, CreateUploadBody, CreateUploadResponse, FileDto, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { postToStorage, TransferError, type PostTransport } from "./post-transport";
import { traceClock, type Tracer } from "@/client/tracer";

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

function release(api: Pick<PostApi, "cancel">, id: string) {
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

/** Runs one API call, trying again after transient failures (network, 408, 429, 5xx) as post-retry.ts decides. */
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
 * Records the file and signs its upload, trying again after transient failures. One idempotency
 * key for every try, so a retry after a lost answer gets the same record back, not a second one.
 */
export function createWithRetries(api: Pick<PostApi, "create">, body: CreateUploadBody, signal: AbortSignal): Promise<CreateUploadResponse> {
  // A body that already has a key (a record asked for ahead) keeps it: the server answers the
  // record stored under it, if any, instead of storing a second one.
  const keyed = { ...body, idempotencyKey: body.idempotencyKey ?? newIdempotencyKey() };
  return callWithRetries("create", () => api.create(keyed), signal);
}

/**
 * Sends a small file with its signed form POST and completes it. A transient storage failure
 * sends the same POST again after a backoff; an expired policy gets a fresh record and policy
 * (the old record is released). `onCreated` reports each new record, `onRetrying` each re-send.
 */
export async function runSinglePost(input: {
  api: Pick<PostApi, "create" | "complete" | "cancel">;
  pool: ConnectionPool;
  /** The page's XHR POST unless given; the CLI sends over fetch. */
  post?: PostTransport;
  file: File;
  body: CreateUploadBody;
  record: FileDto;
  upload: PostUploadTarget;
  signal: AbortSignal;
  onCreated: (id: string) => void;
  onProgress: (loaded: number) => void;
  onRetrying: () => void;
  onVerifying: () => void;
  /** The benchmark's per-file timeline (client/tracer.ts): `post:slot`, `post:send`, `post:complete`. */
  tracer?: Tracer;
}): Promise<FileDto> {
  const { api, pool, file, signal, post = postToStorage, tracer } = input;
  let { record, upload } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      const waitFrom = traceClock(tracer);
      const release = await pool.acquire(signal);
      const sendFrom = traceClock(tracer);
      tracer?.span("post:slot", waitFrom, sendFrom);
      try {
        await post(upload, file, { signal, onProgress: input.onProgress });
      } finally {
        release();
      }
      tracer?.span("post:send", sendFrom, traceClock(tracer));
      break;
    } catch (err) {
      const decision = decide("post", err, attempt, signal, isPolicyExpired(upload.expiresAt, Date.now()));
      if (decision.action === "fail") throw err;
      input.onRetrying();
      await waitUnlessAborted(decision.delayMs, signal);
      if (decision.action === "renew") {
        // Nobody will POST with the expired policy again; best effort, cleanup expires it otherwise.
        release(api, record.id);
        const fresh = await createWithRetries(api, input.body, signal);
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
  const completeFrom = traceClock(tracer);
  const { file: done } = await callWithRetries("complete", () => api.complete(record.id), signal);
  tracer?.span("post:complete", completeFrom, traceClock(tracer));
  return done;
}
