import { ApiError, failureMessage } from "@/components/upload-api";
import {
  DEFAULT_CONCURRENCY,
  initialQueueState,
  selectStartable,
  uploadQueueReducer,
  type QueueAction,
  type QueueItem,
  type QueueState,
} from "@/lib/upload-queue";
import type { UploadRules } from "@/lib/upload-rules";
import type { CompleteUploadResponse, CreateUploadBody, CreateUploadResponse } from "@/lib/upload-schemas";
import { postToStorage, TransferError } from "@/lib/upload-transport";

export type UploadApi = {
  create: (body: CreateUploadBody) => Promise<CreateUploadResponse>;
  complete: (id: string) => Promise<CompleteUploadResponse>;
  cancel: (id: string) => Promise<void>;
};

type Job = { controller: AbortController; serverId: string | null };

function toFailure(err: unknown): { code: string; message: string } {
  if (err instanceof ApiError || err instanceof TransferError) return { code: err.code, message: err.message };
  return { code: "internal", message: "" };
}

/**
 * Runs the queue: holds the reducer's state outside React, so the scheduler sees each transition
 * the moment it happens (not a render later) and never starts more than the limit. React reads it
 * with useSyncExternalStore.
 */
export class UploadQueueStore {
  private state: QueueState = initialQueueState;
  private readonly listeners = new Set<() => void>();
  private readonly files = new Map<string, File>();
  private readonly jobs = new Map<string, Job>();
  private concurrency = DEFAULT_CONCURRENCY;
  private nextKey = 0;
  private pumping = false;

  constructor(
    private readonly api: UploadApi,
    private readonly rules: UploadRules,
  ) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getState = () => this.state;

  add = (files: readonly File[]) => {
    const entries = files.map((file) => {
      const key = `upload-${++this.nextKey}`;
      this.files.set(key, file);
      return { key, name: file.name, size: file.size, type: file.type };
    });
    this.dispatch({ type: "add", files: entries, rules: this.rules });
    for (const item of this.state.items) if (item.status === "rejected") this.files.delete(item.key);
  };

  /** Aborts the transfer and, once the server knows the upload, tells it to drop the record. */
  cancel = (key: string) => {
    if (!this.dispatch({ type: "cancel", key })) return;
    const job = this.jobs.get(key);
    job?.controller.abort();
    if (job?.serverId) this.release(job.serverId);
    this.files.delete(key);
  };

  retry = (key: string) => void this.dispatch({ type: "retry", key });

  clear = () => {
    this.dispatch({ type: "clear" });
    const kept = new Set(this.state.items.map((item) => item.key));
    for (const key of this.files.keys()) if (!kept.has(key)) this.files.delete(key);
  };

  setConcurrency(value: number) {
    this.concurrency = value;
    this.pump();
  }

  private dispatch(action: QueueAction): boolean {
    const next = uploadQueueReducer(this.state, action);
    if (next === this.state) return false;
    this.state = next;
    for (const listener of this.listeners) listener();
    this.pump();
    return true;
  }

  /** Starts waiting files while slots are free; re-entrant calls from the dispatches inside are no-ops. */
  private pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let next = selectStartable(this.state, this.concurrency)[0]; next; next = selectStartable(this.state, this.concurrency)[0]) {
        this.dispatch({ type: "start", key: next.key, at: performance.now() });
        void this.run(next);
      }
    } finally {
      this.pumping = false;
    }
  }

  private release(serverId: string) {
    this.api.cancel(serverId).catch(() => {
      // Best effort: the server expires pending uploads it never hears about again.
    });
  }

  private async run({ key, name, size, type }: QueueItem) {
    const job: Job = { controller: new AbortController(), serverId: null };
    const { signal } = job.controller;
    this.jobs.set(key, job);
    try {
      const file = this.files.get(key);
      if (!file) throw new Error(`No file for ${key}`);
      const { file: record, upload } = await this.api.create({ name, size, type });
      // Cancelled while the server was signing: nobody else knows this id, so release it here.
      if (signal.aborted) return this.release(record.id);
      job.serverId = record.id;
      this.dispatch({ type: "created", key, serverId: record.id });
      // TODO: the multipart engine (parts API) is not in the browser yet; until then such files fail clearly.
      if (upload.strategy !== "post") throw new ApiError("multipart_unsupported", "", 0);
      const onProgress = (loaded: number) => void this.dispatch({ type: "progress", key, loaded, at: performance.now() });
      await postToStorage(upload, file, { signal, onProgress });
      this.dispatch({ type: "verifying", key });
      const done = await this.api.complete(record.id);
      this.dispatch({ type: "done", key, file: done.file });
      this.files.delete(key);
    } catch (err) {
      if (signal.aborted) return;
      const { code, message } = toFailure(err);
      this.dispatch({ type: "failed", key, code, message: failureMessage(code, message) });
      // The signed upload is spent; a retry asks for a new one, so drop this record now.
      if (job.serverId) this.release(job.serverId);
    } finally {
      if (this.jobs.get(key) === job) this.jobs.delete(key);
    }
  }
}
