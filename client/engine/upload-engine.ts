/**
 * The upload engine the page and the CLI both drive (STYLE.md, "Client engine"): files in, each
 * file's turn out. It wires the scheduler (scheduler.ts) to each file's turn (file-turn.ts: its
 * file item, then the job of the strategy the server chose), and holds what lives as long as the
 * queue: the files, the connection pool, file items made ahead (file-items-ahead.ts), resume lookups,
 * releases in flight, render throttling for React and the batch tally for the done notice. No React, no DOM: the page passes XHR and IndexedDB transports,
 * the CLI fetch ones, tests in-memory stand-ins (testing/fakes).
 */
import type { UploadApi } from "@/client/api/upload-api";
import { createCrc32Hasher } from "@/client/hashing/crc32-hasher";
import { createSha256Hasher } from "@/client/hashing/sha256-hasher";
import { ConnectionPool, DEFAULT_CONNECTIONS } from "@/client/connection-pool";
import { putPart } from "@/client/multipart/part-transport";
import { browserResumeStore } from "@/client/multipart/resume-store";
import { postToStorage } from "@/client/post/post-transport";
import { putToStorage } from "@/client/put/put-transport";
import type { PreviewHandoff } from "@/client/preview/preview-queue";
import { PREPARE_WINDOW } from "@/client/queue/prepare-ahead";
import { countActive, selectWaiting } from "@/client/queue/queue-select";
import type { QueueAction, QueueItem, QueueState } from "@/client/queue/upload-queue";
import { traceClock, type Tracer } from "@/client/tracer";
import type { PickedFile } from "@/client/files/folder-path";
import type { UploadRules } from "@/lib/upload-rules";
import type { UploadSettings } from "@/lib/contracts/upload-schemas";
import { BatchTracker, type EndedBatches } from "./batch-tracker";
import { checksumFieldFor, type ChecksumField } from "./create-checksums";
import { failureOf, sendFile, type TurnDeps } from "./file-turn";
import { PendingReleases } from "./pending-releases";
import { FileItemsAhead } from "./file-items-ahead";
import { RenderThrottle } from "./render-throttle";
import { ResumeLookup } from "./resume-lookup";
import { Scheduler, type ActiveJob } from "./scheduler";
import { settleAll, stopEveryRow } from "./sign-out";
import type { EngineTransport } from "./upload-job";

export { RENDER_INTERVAL_MS } from "./render-throttle";
export type { EndedBatches } from "./batch-tracker";

const BROWSER_TRANSPORT: EngineTransport = { post: postToStorage, putFile: putToStorage, put: putPart, resume: browserResumeStore };

export type EngineOptions = {
  /** Storage and the resume records of unfinished uploads: the browser's (XHR, a Worker, IndexedDB) by default. */
  transport?: Partial<EngineTransport>;
  /** Times each file's steps for the benchmark (client/tracer.ts); none in the product. */
  tracer?: Tracer;
  /**
   * Told when each file starts, is uploaded, or is cancelled or fails, so a preview of each photo
   * and video follows it on its own path (client/preview/preview-queue.ts); a file never waits
   * for it. The page passes one; the CLI does not.
   */
  previews?: PreviewHandoff;
  /** The storage connections, when work beside the uploads (previews) shares them; a pool of DEFAULT_CONNECTIONS otherwise. */
  pool?: ConnectionPool;
  /** Each row that ended (done, failed, rejected), as it ends: the CLI prints a line for it. */
  onEnded?: (item: QueueItem) => void;
  /**
   * How the server sends files of each size (GET /api/uploads/settings): where small files go by
   * PUT, each one's CRC32 is hashed before its file item is asked for; where they go by a POST form
   * that binds the file's SHA-256 (formChecksum), its SHA-256. Unset: by POST form, no hashing.
   */
  settings?: UploadSettings;
};

export class UploadEngine {
  private readonly scheduler: Scheduler;
  private readonly renders: RenderThrottle<QueueState>;
  private readonly batchTracker = new BatchTracker();
  private readonly files = new Map<string, File>();
  /** Requests to storage across all files: parts of big files and small files share these slots. */
  private readonly pool: ConnectionPool;
  private readonly transport: EngineTransport;
  private readonly releases: PendingReleases;
  private readonly fileItemsAhead: FileItemsAhead;
  private readonly resumes: ResumeLookup;
  private readonly turnDeps: TurnDeps;
  private nextKey = 0;

  constructor(
    private readonly api: UploadApi,
    private readonly rules: UploadRules,
    private readonly options: EngineOptions = {},
  ) {
    this.transport = { ...BROWSER_TRANSPORT, ...options.transport };
    this.pool = options.pool ?? new ConnectionPool(DEFAULT_CONNECTIONS);
    this.releases = new PendingReleases((id) => api.cancel(id));
    this.scheduler = new Scheduler({
      changed: (state, action) => this.changed(state, action),
      // A first batch (no file on the wire yet) needs only the files that start now.
      beforeStart: (state, concurrency) => this.fileItemsAhead.prepare(() => selectWaiting(state, PREPARE_WINDOW), countActive(state) === 0 ? concurrency : undefined),
      run: (item, job) => this.run(item, job),
    });
    this.renders = new RenderThrottle(() => this.scheduler.state, options.tracer);
    const { settings } = options;
    this.fileItemsAhead = new FileItemsAhead(api, {
      release: (id) => this.releases.release(id),
      track: (promise) => this.releases.track(promise),
      answered: () => this.scheduler.pump(),
      checksums: settings && { fieldFor: (size) => checksumFieldFor(settings, size), of: (key, field) => this.hashFile(key, field) },
    });
    this.resumes = new ResumeLookup(api, this.transport.resume);
    this.turnDeps = {
      ...{ api, pool: this.pool, transport: this.transport, tracer: options.tracer },
      ...{ fileItemsAhead: this.fileItemsAhead, resumes: this.resumes, releases: this.releases },
      dispatch: (action) => this.dispatch(action),
      statusOf: (key) => this.scheduler.item(key)?.status,
    };
  }

  /** For React: notified at most every RENDER_INTERVAL_MS. */
  subscribe = (listener: () => void) => this.renders.subscribe(listener);

  /** For React: the state as of the last render tick. */
  getSnapshot = () => this.renders.getSnapshot();

  /** Files, each with the folder it came from if it came from a folder (client/files/folder-path.ts); answers their row keys. */
  add = (files: readonly (File | PickedFile)[]): string[] => {
    const entries = files.map((picked) => {
      const { file, path } = picked instanceof File ? { file: picked, path: undefined } : picked;
      const key = `upload-${++this.nextKey}`;
      this.files.set(key, file);
      return { key, name: file.name, size: file.size, type: file.type, ...(path === undefined ? {} : { path }) };
    });
    this.resumes.refresh();
    this.dispatch({ type: "add", files: entries, rules: this.rules });
    for (const { key } of entries) {
      const item = this.scheduler.item(key);
      if (item?.status !== "rejected") continue;
      this.files.delete(key);
      this.options.onEnded?.(item);
    }
    return entries.map((entry) => entry.key);
  };

  /** Aborts the transfer and, once the server knows the upload, tells it to drop the file item. */
  cancel = (key: string) => {
    if (!this.dispatch({ type: "cancel", key })) return;
    this.options.previews?.dropped(key);
    const job = this.scheduler.job(key);
    job?.controller.abort();
    const fileItemId = job?.fileItemId ?? this.scheduler.item(key)?.fileItemId;
    if (fileItemId) this.releases.release(fileItemId);
    this.fileItemsAhead.discard(key);
    const file = this.files.get(key);
    if (file) this.releases.track(this.resumes.forget(file));
    this.files.delete(key);
  };

  /**
   * Stops every row at once, for signing out: with `keepResumable`, uploads sending bytes that can
   * pause do (their resume records stay here, so picking the file again after signing in resumes
   * it) and paused ones stay paused; everything else is cancelled and its file item released.
   */
  stopAll = ({ keepResumable }: { keepResumable: boolean }) => {
    this.scheduler.halt(() => stopEveryRow(this.scheduler.state.items, this, keepResumable));
  };

  /**
   * Resolves once every run that is not paused has ended and every release sent has its answer:
   * after `stopAll`, what the server must hear has been said (a file verifying finishes its check).
   * The CLI waits on it before it exits.
   */
  settled = () => settleAll(() => [...this.scheduler.unpausedRuns(), ...this.releases.pending()]);

  /** Files stored since the engine was made. */
  get stored(): number {
    return this.batchTracker.stored;
  }

  /** Batches ended so far, with their files stored and failed summed (the done notice and the announcer read the change). */
  get batches(): EndedBatches {
    return this.batchTracker.ended;
  }

  /** Only rows whose job can pause (multipart): parts on the wire are dropped and sent again on resume. */
  pause = (key: string) => {
    if (!this.dispatch({ type: "pause", key })) return;
    this.scheduler.job(key)?.control?.pause();
    this.options.previews?.paused(key);
  };

  resume = (key: string) => {
    if (this.dispatch({ type: "resume", key, at: performance.now() })) this.scheduler.job(key)?.control?.resume();
  };

  pauseAll = () => this.scheduler.state.items.filter((i) => i.status === "uploading").forEach((i) => this.pause(i.key));

  resumeAll = () => this.scheduler.state.items.filter((i) => i.status === "paused").forEach((i) => this.resume(i.key));

  retry = (key: string) => {
    // Before the dispatch, which may start the file at once.
    const file = this.files.get(key);
    if (file && this.scheduler.item(key)?.status === "failed") this.resumes.expect(file);
    this.dispatch({ type: "retry", key });
  };

  clear = () => {
    this.dispatch({ type: "clear" });
    const kept = new Set(this.scheduler.state.items.map((item) => item.key));
    for (const key of this.files.keys()) if (!kept.has(key)) this.files.delete(key);
  };

  /** The limit on requests to storage across all files (UPLOAD_CONNECTIONS). */
  setConnections(value: number) {
    this.pool.setLimit(value);
  }

  /** Files sending bytes at once. */
  setConcurrency(value: number) {
    this.scheduler.setConcurrency(value);
  }

  /** Hashes whole small files' CRC32, apart from the Worker that hashes parts, so neither waits behind the other. */
  private fileHasher: ((blob: Blob) => Promise<string>) | null = null;
  /** Hashes whole small files' SHA-256 (WebCrypto, a few files at once). */
  private sha256Hasher: ((blob: Blob) => Promise<string>) | null = null;

  /**
   * The hash of a queue item's file its create carries: the CRC32 when it goes by PUT, the SHA-256
   * when its POST form binds it. Rejects when the file is gone or unreadable: the file fails with that error.
   * The benchmark's tracer sees each as a `hash` span (its wait for a hashing slot included).
   */
  private hashFile(key: string, field: ChecksumField): Promise<string> {
    const file = this.files.get(key);
    if (!file) return Promise.reject(new Error(`No file for ${key}`));
    const { tracer } = this.options;
    const from = traceClock(tracer);
    const hashing = field === "sha256" ? (this.sha256Hasher ??= createSha256Hasher())(file) : (this.transport.hash ?? (this.fileHasher ??= createCrc32Hasher()))(file);
    return tracer ? hashing.finally(() => tracer.span("hash", from, traceClock(tracer))) : hashing;
  }

  private dispatch(action: QueueAction): boolean {
    return this.scheduler.dispatch(action);
  }

  private changed(state: QueueState, action: QueueAction) {
    this.batchTracker.observe(state, action);
    this.renders.changed();
    const { onEnded } = this.options;
    if (onEnded && (action.type === "done" || action.type === "failed")) {
      const item = this.scheduler.item(action.key);
      if (item) onEnded(item);
    }
  }

  /** One file's turn (file-turn.ts). Never rejects; the row says how it ended. */
  private async run(item: QueueItem, job: ActiveJob) {
    const { key } = item;
    const file = this.files.get(key);
    try {
      if (!file) throw new Error(`No file for ${key}`);
      this.options.previews?.started(key, file);
      const done = await sendFile(this.turnDeps, item, file, job);
      if (!done) return;
      this.dispatch({ type: "verifying", key });
      // Done once its bytes are verified; its preview follows on its own.
      this.dispatch({ type: "done", key, file: done });
      this.options.previews?.uploaded(key, done);
      this.files.delete(key);
    } catch (err) {
      if (job.controller.signal.aborted) return;
      this.dispatch({ type: "failed", key, ...failureOf(err) });
      this.options.previews?.dropped(key);
    }
  }
}
