/**
 * The POST form strategy: a small file's bytes in one signed form POST, then its complete. A
 * transient storage failure sends the same POST again; an expired policy gets a fresh file item.
 */
import type { UploadApi } from "@/client/api/upload-api";
import { callWithRetries, createWithRetries, waitUnlessAborted } from "@/client/api/api-retry";
import type { ConnectionPool } from "@/client/connection-pool";
import type { UploadJob } from "@/client/engine/upload-job";
import { decideRetry, failureOf, isPolicyExpired, type RetryDecision } from "@/client/retry-policy";
import type { CreateUploadBody, FileItemJson, PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { postToStorage, type PostTransport } from "./post-transport";
import { traceClock, type Tracer } from "@/client/tracer";

export type PostApi = Pick<UploadApi, "create" | "complete" | "cancel">;

function releaseQuietly(api: Pick<UploadApi, "cancel">, id: string) {
  api.cancel(id).catch(() => {
    // Best effort: the server expires pending uploads it never hears about again.
  });
}

/** The decision for a failed POST; anything that is not an answer from storage or our API (a bug, a cancel) is not retried. */
function decidePost(err: unknown, attempt: number, signal: AbortSignal, policyExpired: boolean): RetryDecision {
  const failure = failureOf(err);
  if (signal.aborted || !failure) return { action: "fail" };
  return decideRetry("post", failure, attempt, Math.random(), policyExpired);
}

/**
 * Sends a small file with its signed form POST and completes it. A transient storage failure
 * sends the same POST again after a backoff; an expired policy gets a fresh file item and policy
 * (the old file item is released). `onCreated` reports each new file item, `onRetrying` each re-send.
 */
export async function runSinglePost(input: {
  api: PostApi;
  pool: ConnectionPool;
  /** The page's XHR POST unless given; the CLI sends over fetch. */
  post?: PostTransport;
  file: File;
  body: CreateUploadBody;
  fileItem: FileItemJson;
  upload: PostUploadTarget;
  signal: AbortSignal;
  onCreated: (id: string) => void;
  onProgress: (loaded: number) => void;
  onRetrying: () => void;
  onVerifying: () => void;
  /** Drops a file item whose policy expired; a quiet `api.cancel` unless given. */
  release?: (id: string) => void;
  /** The benchmark's per-file timeline (client/tracer.ts): `post:slot`, `post:send`, `post:complete`. */
  tracer?: Tracer;
}): Promise<FileItemJson> {
  const { api, pool, file, signal, post = postToStorage, tracer } = input;
  const release = input.release ?? ((id: string) => releaseQuietly(api, id));
  let { fileItem, upload } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      const waitFrom = traceClock(tracer);
      const freeSlot = await pool.acquire(signal);
      const sendFrom = traceClock(tracer);
      tracer?.span("post:slot", waitFrom, sendFrom);
      try {
        await post(upload, file, { signal, onProgress: input.onProgress });
      } finally {
        freeSlot();
      }
      tracer?.span("post:send", sendFrom, traceClock(tracer));
      break;
    } catch (err) {
      const decision = decidePost(err, attempt, signal, isPolicyExpired(upload.expiresAt, Date.now()));
      if (decision.action === "fail") throw err;
      input.onRetrying();
      await waitUnlessAborted(decision.delayMs, signal);
      if (decision.action === "renew") {
        // Nobody will POST with the expired policy again; best effort, cleanup expires it otherwise.
        release(fileItem.id);
        const fresh = await createWithRetries(api.create, input.body, signal);
        // Cancelled while the server was signing: nobody else knows this id, so release it here.
        if (signal.aborted) {
          release(fresh.file.id);
          throw signal.reason;
        }
        if (fresh.upload.strategy !== "post") throw new Error("The server switched this file to a multipart upload.");
        fileItem = fresh.file;
        upload = fresh.upload;
        input.onCreated(fileItem.id);
      }
    }
  }
  input.onVerifying();
  const completeFrom = traceClock(tracer);
  const { file: done } = await callWithRetries("complete", () => api.complete(fileItem.id), signal);
  tracer?.span("post:complete", completeFrom, traceClock(tracer));
  return done;
}

/**
 * The POST form strategy behind the engine's one job interface. A failed POST's signature is
 * spent, so its file item is released at once (a Retry starts with a new one).
 */
export const postUploadJob: UploadJob<"post"> = async ({ api, pool, transport, tracer }, input) => {
  const { events, signal, release } = input;
  let current = input.fileItem.id;
  events.created(current);
  // For the benchmark's small-file timeline (bench/small-files.ts): how long the file item took.
  tracer?.span("post:record", input.fileItemAskedAt, traceClock(tracer));
  try {
    return await runSinglePost({
      api,
      pool,
      post: transport.post,
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
