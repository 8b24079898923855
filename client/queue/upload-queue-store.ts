import { findUnfinishedUpload, runMultipart, type MultipartApi } from "@/client/multipart/multipart-job";
import { callWithRetries, createWithRetries, runSinglePost, type PostApi } from "@/client/post/post-job";
import { ApiError, isRefusal } from "@/client/api/api-error";
import { failureMessage } from "@/client/api/upload-api";
import type { Settled } from "@/client/api/batch-coalescer";
import { ConnectionPool, DEFAULT_CONNECTIONS } from "@/client/connection-pool";
import type { MultipartTransfer } from "@/client/multipart/multipart-transfer";
import { newIdempotencyKey } from "@/client/api/idempotency-key";
import { isUsable, PREPARE_WINDOW, selectToPrepare } from "./prepare-ahead";
import { hasPendingWork, selectItem, selectStartable, selectWaiting } from "./queue-select";
import { IDLE_TALLY, observeBatch, type BatchOutcome } from "./batch-tally";
import { browserResumeStore, fingerprintOf, type ResumeStore } from "@/client/multipart/resume-store";
import { DEFAULT_CONCURRENCY, initialQueueState, uploadQueueReducer, type QueueAction, type QueueItem, type QueueState } from "./upload-queue";
import type { UploadRules } from "@/lib/upload-rules";
import { MAX_BATCH_ITEMS, type CreateUploadBody, type FileDto, type UploadTarget } from "@/lib/contracts/upload-schemas";
import { postToStorage, TransferError } from "@/client/post/post-transport";
import { putPart } from "@/client/multipart/part-transport";
import { PartFailedError } from "@/client/multipart/part-failed-error";
import { traceClock, type Tracer } from "@/client/tracer";
import type { PickedFile } from "@/client/files/folder-path";
import { PreviewTask, type PreviewOptions } from "@/client/preview/preview-task";
import { isPreviewable } from "@/lib/contracts/preview-schemas";

export type UploadApi = MultipartApi & PostApi;

/** What the store reaches beyond our API: storage, and this browser's records of unfinished uploads. */
export type StoreTransport = {
  post: typeof postToStorage;
  put: typeof putPart;
  /** CRC32 of a part; by default hashed in a Web Worker. */
  hash?: (blob: Blob) => Promise<string>;
  resume: ResumeStore;
};

const BROWSER_TRANSPORT: StoreTransport = { post: postToStorage, put: putPart, resume: browserResumeStore };

type Job = { controller: AbortController; serverId: string | null; transfer: MultipartTransfer | null };
type Created = { record: FileDto; upload: UploadTarget; stored: Array<{ partNumber: number; etag: string }> };

function toFailure(err: unknown): { code: string; message: string } {
  // PartFailedError: the part engine gave up on a part after its retries (or on a refusal that retrying won't fix).
  if (err instanceof ApiError || err instanceof TransferError || err instanceof PartFailedError) return { code: err.code, message: err.message };
  return { code: "internal", message: "" };
}

/**
 * React hears about the queue at most this often. Each render is a frame of style, layout, paint
 * and commit whose cost hardly depends on how many rows changed, so 60 renders a second were most
 * of the page's CPU with 1,000 small files; 10 a second still reads as live (uppy's status bar
 * throttles its progress to 500 ms). The first change after a quiet spell renders at once.
 */
export const RENDER_INTERVAL_MS = 100;

/**
 * Runs the queue: holds the reducer's state outside React, so the scheduler sees each transition
 * the moment it happens (not a render later) and never starts more than the limit. React reads it
 * with useSyncExternalStore, at most every RENDER_INTERVAL_MS: a queue of 1,000 small files makes
 * thousands of transitions a second, and rendering after each one was most of the page's work.
 */
export class UploadQueueStore {
  private state: QueueState = initialQueueState;
  /** What React was last told about; it catches up with `state` at most every RENDER_INTERVAL_MS. */
  private published: QueueState = initialQueueState;
  private renderPending = false;
  private lastRenderAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<() => void>();
  private readonly files = new Map<string, File>();
  private readonly jobs = new Map<string, Job>();
  private concurrency = DEFAULT_CONCURRENCY;
  /** Requests to storage across all files: parts of big files and small files share these slots. */
  private readonly pool = new ConnectionPool(DEFAULT_CONNECTIONS);
  private nextKey = 0;
  private pumping = false;
  /** Records made ahead for waiting small files (prepare-ahead.ts), taken when each starts. */
  private readonly prepared = new Map<string, Prepared>();
  private preparing = false;
  /** Fingerprints of the files with an unfinished multipart upload saved in this browser. */
  private resumable: Promise<ReadonlySet<string>> = Promise.resolve(new Set());
  private readonly transport: StoreTransport;
  /** Each started file's run, until it ends: signing out waits for them (see `settled`). */
  private readonly running = new Map<string, Promise<void>>();
  /** Cancels and forgets sent and not yet answered: signing out must not cut them off. */
  private readonly releases = new Set<Promise<unknown>>();
  /** Files stored since the store was made; never goes down, so a batch's count survives Clear. */
  private storedTotal = 0;
  /**
   * Batches (from the queue getting work to none being left) are told apart on every transition,
   * not on the render tick: a batch of small files can start and end between two ticks.
   */
  private tally = IDLE_TALLY;
  private ended: EndedBatches = { count: 0, stored: 0, failed: 0 };
  /** Set while every row is being stopped at once: nothing new starts in between. */
  private halted = false;

  /** `transport` defaults to the browser's (XHR, IndexedDB); tests pass in-memory stand-ins. */
  constructor(
    private readonly api: UploadApi,
    private readonly rules: UploadRules,
    /**
     * `transport`: storage and this browser's resume records, the browser's by default (tests pass
     * stand-ins). `tracer`: times each file's steps for the benchmark (client/tracer.ts); none in the product.
     * `previews`: makes and sends a preview of each photo and video (client/preview/); the page
     * passes it, the CLI and the benchmark do not, so they make none.
     */
    private readonly options: { transport?: Partial<StoreTransport>; tracer?: Tracer; previews?: PreviewOptions } = {},
  ) {
    this.transport = { ...BROWSER_TRANSPORT, ...options.transport };
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** For React: the state as of the last render tick. */
  getSnapshot = () => this.published;

  /** Files, each with the folder it came from if it came from a folder (client/files/folder-path.ts). */
  add = (files: readonly (File | PickedFile)[]) => {
    const entries = files.map((picked) => {
      const { file, path } = picked instanceof File ? { file: picked, path: undefined } : picked;
      const key = `upload-${++this.nextKey}`;
      this.files.set(key, file);
      return { key, name: file.name, size: file.size, type: file.type, ...(path === undefined ? {} : { path }) };
    });
    // One IndexedDB read per batch, not one per file: most files have nothing to resume.
    this.resumable = this.transport.resume.list().then((records) => new Set(records.map((record) => record.fingerprint)));
    this.dispatch({ type: "add", files: entries, rules: this.rules });
    for (const { key } of entries) if (selectItem(this.state, key)?.status === "rejected") this.files.delete(key);
  };

  /** Aborts the transfer and, once the server knows the upload, tells it to drop the record. */
  cancel = (key: string) => {
    if (!this.dispatch({ type: "cancel", key })) return;
    const job = this.jobs.get(key);
    job?.controller.abort();
    const serverId = job?.serverId ?? selectItem(this.state, key)?.serverId;
    if (serverId) this.release(serverId);
    this.releasePrepared(key);
    const file = this.files.get(key);
    if (file) this.track(this.transport.resume.forget(file));
    this.files.delete(key);
  };

  /**
   * Stops every row at once, for signing out: with `keepResumable`, multipart uploads sending bytes
   * pause (their resume records stay in this browser, so picking the file again after signing in
   * resumes it) and paused ones stay paused; everything else is cancelled and its record released.
   */
  stopAll = ({ keepResumable }: { keepResumable: boolean }) => {
    this.halted = true;
    try {
      for (const item of this.state.items) {
        if (keepResumable && item.status === "paused") continue;
        if (keepResumable && item.resumable && item.status === "uploading") this.pause(item.key);
        else this.cancel(item.key);
      }
    } finally {
      this.halted = false;
    }
  };

  /**
   * Resolves once every run that is not paused has ended and every cancel sent has its answer:
   * after `stopAll`, what the server must hear has been said (a file verifying finishes its check).
   */
  settled = async () => {
    for (;;) {
      const runs = [...this.running].filter(([key]) => selectItem(this.state, key)?.status !== "paused").map(([, run]) => run);
      const waits = [...runs, ...this.releases];
      if (waits.length === 0) return;
      await Promise.allSettled(waits);
    }
  };

  /** Files stored since the store was made. */
  get stored(): number {
    return this.storedTotal;
  }

  /** Batches ended so far, with their files stored and failed summed (the done notice and the announcer read the change). */
  get batches(): EndedBatches {
    return this.ended;
  }

  /** Multipart uploads only: parts on the wire are dropped and sent again on resume. */
  pause = (key: string) => {
    if (this.dispatch({ type: "pause", key })) this.jobs.get(key)?.transfer?.pause();
  };

  resume = (key: string) => {
    if (this.dispatch({ type: "resume", key, at: performance.now() })) this.jobs.get(key)?.transfer?.resume();
  };

  pauseAll = () => this.state.items.filter((i) => i.status === "uploading").forEach((i) => this.pause(i.key));

  resumeAll = () => this.state.items.filter((i) => i.status === "paused").forEach((i) => this.resume(i.key));

  retry = (key: string) => {
    // A failed multipart upload stays pending on the server with the parts it stored, and this
    // browser still holds its record: look it up again so Retry sends only the missing parts.
    // Before the dispatch, which may start the file at once.
    const file = this.files.get(key);
    if (file && selectItem(this.state, key)?.status === "failed") {
      this.resumable = this.resumable.then((fingerprints) => new Set(fingerprints).add(fingerprintOf(file)));
    }
    this.dispatch({ type: "retry", key });
  };

  clear = () => {
    this.dispatch({ type: "clear" });
    const kept = new Set(this.state.items.map((item) => item.key));
    for (const key of this.files.keys()) if (!kept.has(key)) this.files.delete(key);
  };

  /** The limit on requests to storage across all files (UPLOAD_CONNECTIONS). */
  setConnections(value: number) {
    this.pool.setLimit(value);
  }

  setConcurrency(value: number) {
    this.concurrency = value;
    this.pump();
  }

  private dispatch(action: QueueAction): boolean {
    const next = uploadQueueReducer(this.state, action);
    if (next === this.state) return false;
    this.state = next;
    if (action.type === "done") this.storedTotal++;
    const batch = observeBatch(this.tally, { busy: hasPendingWork(next), stored: this.storedTotal, failed: next.summary.counts.failed });
    this.tally = batch.tally;
    if (batch.ended) {
      const { count, stored, failed } = this.ended;
      this.ended = { count: count + 1, stored: stored + batch.ended.stored, failed: failed + batch.ended.failed };
    }
    this.scheduleRender();
    this.pump();
    return true;
  }

  /**
   * Tells React once per RENDER_INTERVAL_MS, however many transitions happen until then. A timer,
   * not an animation frame: frames stop in a hidden tab, and browsers only slow timers there.
   */
  private scheduleRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    const wait = Math.max(0, this.lastRenderAt + RENDER_INTERVAL_MS - performance.now());
    setTimeout(() => {
      this.renderPending = false;
      this.lastRenderAt = performance.now();
      this.published = this.state;
      for (const listener of this.listeners) listener();
    }, wait);
  }

  /** Starts waiting files while slots are free; re-entrant calls from the dispatches inside are no-ops. */
  private pump() {
    if (this.pumping || this.halted) return;
    this.pumping = true;
    try {
      // Before starting files, so the ones starting now share the batch instead of creating alone.
      this.prepareAhead();
      for (let next = selectStartable(this.state, this.concurrency)[0]; next; next = selectStartable(this.state, this.concurrency)[0]) {
        this.dispatch({ type: "start", key: next.key, at: performance.now() });
        const { key } = next;
        const run = this.run(next);
        this.running.set(key, run);
        void run.then(() => {
          if (this.running.get(key) === run) this.running.delete(key);
        });
      }
    } finally {
      this.pumping = false;
    }
  }

  private release(serverId: string) {
    this.track(
      this.api.cancel(serverId).catch(() => {
        // Best effort: the server expires pending uploads it never hears about again.
      }),
    );
  }

  /** Keeps a promise that never rejects in `releases` until it settles. */
  private track(promise: Promise<unknown>) {
    this.releases.add(promise);
    const done = () => void this.releases.delete(promise);
    promise.then(done, done);
  }

  /** Records the file and signs its upload; "not now" answers (429, 5xx, no answer) are tried again. */
  private async createRecord(body: CreateUploadBody, signal: AbortSignal): Promise<Created> {
    const { file, upload } = await createWithRetries(this.api, body, signal);
    return { record: file, upload, stored: [] };
  }

  /** One batch request at a time makes records for the next small files (see prepare-ahead.ts). */
  private prepareAhead() {
    if (this.preparing) return;
    const batch = selectToPrepare(selectWaiting(this.state, PREPARE_WINDOW), (key) => this.prepared.has(key), MAX_BATCH_ITEMS);
    if (batch.length === 0) return;
    this.preparing = true;
    const bodies = batch.map((item) => ({ ...bodyOf(item), idempotencyKey: newIdempotencyKey() }));
    // Nobody cancels a batch: a file cancelled meanwhile releases its own record when it arrives.
    const answer = callWithRetries("create", () => this.api.createMany(bodies), new AbortController().signal);
    answer.finally(() => {
      this.preparing = false;
      this.pump();
    }).catch(() => {
      // Each file's promise below carries the failure to its own row.
    });
    batch.forEach(({ key }, i) => {
      const created = answer.then((results) => {
        const { file, upload } = valueOf(results[i]);
        return { record: file, upload, stored: [] };
      });
      created.catch(() => {
        // Read when the file starts; unhandled until then is not an error.
      });
      this.prepared.set(key, { body: bodies[i]!, created });
    });
  }

  /** The record made ahead for this file, if any; it leaves the map, so it is used or released once. */
  private takePrepared(key: string): Prepared | null {
    const prepared = this.prepared.get(key);
    if (!prepared) return null;
    this.prepared.delete(key);
    return prepared;
  }

  private releasePrepared(key: string) {
    const created = this.takePrepared(key)?.created;
    if (!created) return;
    this.track(
      created.then(({ record }) => this.release(record.id)).catch(() => {
        // Nothing was recorded, so nothing to release.
      }),
    );
  }

  /**
   * The record made ahead while its policy has PREPARED_POLICY_MIN_LIFE_MS left; a refusal in the
   * batch (415, 413...) is the file's answer. Otherwise (the batch failed for now, or the policy is
   * nearly spent) the same create again with the same idempotency key: the server answers the
   * record it stored under it with a fresh policy, or stores it now, never a second record.
   */
  private async recordFor(key: string, body: CreateUploadBody, signal: AbortSignal): Promise<Created> {
    const prepared = this.takePrepared(key);
    if (!prepared) return this.createRecord(body, signal);
    const outcome = await prepared.created.then(
      (created) => ({ ok: true as const, created }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (outcome.ok && isUsable(outcome.created.upload)) return outcome.created;
    if (!outcome.ok && isRefusal(outcome.error)) throw outcome.error;
    return this.createRecord(prepared.body, signal);
  }

  private async run(item: QueueItem) {
    const { key, size } = item;
    const body = bodyOf(item);
    const job: Job = { controller: new AbortController(), serverId: null, transfer: null };
    const { signal } = job.controller;
    this.jobs.set(key, job);
    let multipart = false;
    let preview: PreviewTask | null = null;
    try {
      const file = this.files.get(key);
      if (!file) throw new Error(`No file for ${key}`);
      preview = this.startPreview(file, signal);
      const api = preview ? this.completingWithPreview(preview, signal) : this.api;
      // The same file picked again after a reload resumes its unfinished multipart upload.
      const resumed = (await this.resumable).has(fingerprintOf(file)) ? await findUnfinishedUpload(this.api, file, this.transport.resume) : null;
      if (resumed) this.releasePrepared(key);
      const { tracer } = this.options;
      const createdFrom = traceClock(tracer);
      const { record, upload, stored } = resumed ?? (await this.recordFor(key, body, signal));
      // Cancelled while the server was signing: nobody else knows this id, so release it here.
      if (signal.aborted) return this.release(record.id);
      job.serverId = record.id;
      const onProgress = (loaded: number) => void this.dispatch({ type: "progress", key, loaded, at: performance.now() });
      if (upload.strategy === "multipart") {
        multipart = true;
        // For the benchmark's part timeline (bench/throughput.ts): how long the record took.
        tracer?.span("mp:create:0", createdFrom, performance.now());
        const storedBytes = stored.length > 0 ? Math.min(size, stored.length * upload.partSize) : 0;
        this.dispatch({ type: "created", key, serverId: record.id, resumable: true, loaded: storedBytes });
        const done = await runMultipart({
          api,
          pool: this.pool,
          file,
          fileId: record.id,
          upload,
          stored,
          signal,
          put: this.transport.put,
          hash: this.transport.hash,
          resume: this.transport.resume,
          tracer,
          onTransfer: (transfer) => {
            job.transfer = transfer;
            // Paused while its resume record was being saved, before the transfer existed.
            if (selectItem(this.state, key)?.status === "paused") transfer.pause();
          },
          onChange: (engine, sent) => {
            if (engine.status === "completing") this.dispatch({ type: "verifying", key });
            else onProgress(sent);
          },
        });
        this.dispatch({ type: "verifying", key });
        this.dispatch({ type: "done", key, file: done });
      } else {
        const onCreated = (serverId: string) => {
          job.serverId = serverId;
          this.dispatch({ type: "created", key, serverId });
        };
        onCreated(record.id);
        // For the benchmark's small-file timeline (bench/small-files.ts): how long the record took.
        tracer?.span("post:record", createdFrom, traceClock(tracer));
        const done = await runSinglePost({
          api,
          pool: this.pool,
          file,
          body,
          record,
          upload,
          signal,
          onCreated,
          onProgress,
          onRetrying: () => void this.dispatch({ type: "retrying", key, at: performance.now() }),
          onVerifying: () => void this.dispatch({ type: "verifying", key }),
          post: this.transport.post,
          tracer,
        });
        this.dispatch({ type: "done", key, file: done });
      }
      this.files.delete(key);
    } catch (err) {
      if (signal.aborted) return;
      const { code, message } = toFailure(err);
      this.dispatch({ type: "failed", key, code, message: failureMessage(code, message) });
      // A POST's signature is spent, so drop that record now; a multipart upload stays for retry.
      if (job.serverId && !multipart) this.release(job.serverId);
    } finally {
      preview?.dispose();
      if (this.jobs.get(key) === job) this.jobs.delete(key);
    }
  }

  /** A photo's or video's preview, made from now on while its bytes travel (off the file's slot and connections). */
  private startPreview(file: File, signal: AbortSignal): PreviewTask | null {
    const { previews } = this.options;
    if (!previews || !isPreviewable(file.type)) return null;
    return new PreviewTask(file, previews, { pool: this.pool, post: this.transport.post }, signal);
  }

  /** Our API with each complete (single or multipart) preceded by sending the file's preview, if one is ready in time. */
  private completingWithPreview(preview: PreviewTask, signal: AbortSignal): UploadApi {
    const before = async (id: string) => {
      await preview.attach(id);
      // Cancelled while the preview was sent: the file's complete must not go out.
      signal.throwIfAborted();
    };
    return {
      ...this.api,
      complete: async (id) => (await before(id), this.api.complete(id)),
      completeMultipart: async (id) => (await before(id), this.api.completeMultipart(id)),
    };
  }
}

/** The create request's body for a row: its folder goes with it (absent for a loose file). */
function bodyOf({ name, size, type, path }: QueueItem): CreateUploadBody {
  return path === undefined ? { name, size, type } : { name, size, type, path };
}

export type EndedBatches = { count: number } & BatchOutcome;

/** A record asked for ahead: the body with the idempotency key it was asked with, and its answer. */
type Prepared = { body: CreateUploadBody; created: Promise<Created> };

/** This file's result in a batch answer, or its error thrown. */
function valueOf<T>(result: Settled<T> | undefined): T {
  if (!result) throw new Error("The server's batch answer has no result for this file.");
  if (!result.ok) throw result.error;
  return result.value;
}
