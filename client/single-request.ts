/**
 * A small file's one request to storage, whichever the server signed (a form POST, client/post/;
 * a presigned PUT, client/put/), then its complete; and the job both strategies run behind the
 * engine's one interface. A transient storage failure sends the same request again; an expired
 * signature gets a fresh file item. Which storage answers are transient is client/retry-policy.ts's.
 */
import type { UploadApi } from "@/client/api/upload-api";
import { callWithRetries, createWithRetries, waitUnlessAborted } from "@/client/api/api-retry";
import type { ConnectionPool } from "@/client/connection-pool";
import type { EngineTransport, TargetOf, UploadJob } from "@/client/engine/upload-job";
import { decideRetry, failureOf, isPolicyExpired, type RetryDecision } from "@/client/retry-policy";
import { traceClock, type Tracer } from "@/client/tracer";
import type { CreateUploadBody, FileItemJson, SingleUploadTarget } from "@/lib/contracts/upload-schemas";
import type { TransferOptions } from "@/client/post/post-transport";

export type SingleStrategy = "post" | "put";

export type SingleRequestApi = Pick<UploadApi, "create" | "complete" | "cancel">;

/** How one small file's request reaches storage: the page's XHR or the CLI's fetch, per strategy. */
export type SingleTransport<S extends SingleStrategy> = (target: TargetOf<S>, file: Blob, options?: TransferOptions) => Promise<void>;

function releaseQuietly(api: Pick<UploadApi, "cancel">, id: string) {
  api.cancel(id).catch(() => {
    // Best effort: the server expires pending uploads it never hears about again.
  });
}

/** The decision for a failed request; anything that is not an answer from storage or our API (a bug, a cancel) is not retried. */
function decideSend(err: unknown, attempt: number, signal: AbortSignal, signatureExpired: boolean): RetryDecision {
  const failure = failureOf(err);
  if (signal.aborted || !failure) return { action: "fail" };
  return decideRetry("post", failure, attempt, Math.random(), signatureExpired);
}

/**
 * Sends a small file with its signed request and completes it. A transient storage failure sends
 * the same request again after a backoff; an expired signature gets a fresh file item and
 * signature (the old file item is released). `onCreated` reports each new file item, `onRetrying`
 * each re-send. `stored` says which failures mean the bytes are already there (a PUT that may
 * write only once, sent again after its answer was lost): the complete follows, and checks them.
 */
export async function runSingleRequest<S extends SingleStrategy>(input: {
  strategy: S;
  api: SingleRequestApi;
  pool: ConnectionPool;
  send: SingleTransport<S>;
  stored?: (err: unknown) => boolean;
  file: File;
  body: CreateUploadBody;
  fileItem: FileItemJson;
  upload: TargetOf<S>;
  signal: AbortSignal;
  onCreated: (id: string) => void;
  onProgress: (loaded: number) => void;
  onRetrying: () => void;
  onVerifying: () => void;
  /** Drops a file item whose signature expired; a quiet `api.cancel` unless given. */
  release?: (id: string) => void;
  /** The benchmark's per-file timeline (client/tracer.ts): `<strategy>:slot`, `:send`, `:complete`. */
  tracer?: Tracer;
}): Promise<FileItemJson> {
  const { strategy, api, pool, file, signal, send, tracer } = input;
  const release = input.release ?? ((id: string) => releaseQuietly(api, id));
  let { fileItem, upload } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      const waitFrom = traceClock(tracer);
      const freeSlot = await pool.acquire(signal);
      const sendFrom = traceClock(tracer);
      tracer?.span(`${strategy}:slot`, waitFrom, sendFrom);
      try {
        await send(upload, file, { signal, onProgress: input.onProgress });
      } finally {
        freeSlot();
      }
      tracer?.span(`${strategy}:send`, sendFrom, traceClock(tracer));
      break;
    } catch (err) {
      if (!signal.aborted && input.stored?.(err)) break;
      const { expiresAt } = upload as SingleUploadTarget;
      const decision = decideSend(err, attempt, signal, isPolicyExpired(expiresAt, Date.now()));
      if (decision.action === "fail") throw err;
      input.onRetrying();
      await waitUnlessAborted(decision.delayMs, signal);
      if (decision.action === "renew") {
        // Nobody will use the expired signature again; best effort, cleanup expires it otherwise.
        release(fileItem.id);
        const fresh = await createWithRetries(api.create, input.body, signal);
        // Cancelled while the server was signing: nobody else knows this id, so release it here.
        if (signal.aborted) {
          release(fresh.file.id);
          throw signal.reason;
        }
        if (fresh.upload.strategy !== strategy) throw new Error(`The server switched this file to a ${fresh.upload.strategy} upload.`);
        fileItem = fresh.file;
        upload = fresh.upload as TargetOf<S>;
        input.onCreated(fileItem.id);
      }
    }
  }
  input.onVerifying();
  const completeFrom = traceClock(tracer);
  const { file: done } = await callWithRetries("complete", () => api.complete(fileItem.id), signal);
  tracer?.span(`${strategy}:complete`, completeFrom, traceClock(tracer));
  return done;
}

/**
 * The job of a one-request strategy behind the engine's one interface, sending with `sendOf` the
 * engine's transport. A failed request's signature is spent, so its file item is released at once
 * (a Retry starts with a new one).
 */
export function singleRequestJob<S extends SingleStrategy>(
  strategy: S,
  sendOf: (transport: EngineTransport) => SingleTransport<S>,
  stored?: (err: unknown) => boolean,
): UploadJob<S> {
  return async ({ api, pool, transport, tracer }, input) => {
    const { events, signal, release } = input;
    let current = input.fileItem.id;
    events.created(current);
    // For the benchmark's small-file timeline (bench/small-files.ts): how long the file item took.
    tracer?.span(`${strategy}:record`, input.fileItemAskedAt, traceClock(tracer));
    try {
      return await runSingleRequest({
        strategy,
        api,
        pool,
        send: sendOf(transport),
        stored,
        file: input.file,
        body: input.body,
        fileItem: input.fileItem,
        upload: input.upload,
        signal,
        tracer,
        release,
        onCreated: (id) => {
          current = id;
          events.created(id);
        },
        onProgress: events.progress,
        onRetrying: events.retrying,
        onVerifying: events.verifying,
      });
    } catch (err) {
      // A cancel releases the file item itself.
      if (!signal.aborted) release(current);
      throw err;
    }
  };
}
