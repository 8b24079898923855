/**
 * The scheduler (Uppy's core): holds the queue's state (the pure reducer in
 * client/queue/upload-queue.ts) outside React, so it sees each transition the moment it happens
 * and never starts more files than the limit; starts waiting files in order while slots are free;
 * and keeps, for each started file, what cancel and pause reach (its abort, its file item id, its
 * pause control). It knows nothing of strategies: starting a file is a callback.
 */
import { selectItem, selectStartable } from "@/client/queue/queue-select";
import { DEFAULT_CONCURRENCY, initialQueueState, uploadQueueReducer, type QueueAction, type QueueItem, type QueueState } from "@/client/queue/upload-queue";
import type { JobControl } from "./upload-job";

/** A started file, for as long as its run lasts. */
export type ActiveJob = {
  readonly controller: AbortController;
  /** The id of the file item on the server, once known: a cancel releases it. */
  fileItemId: string | null;
  /** Set by jobs that can pause. */
  control: JobControl | null;
};

export type SchedulerHooks = {
  /** After every transition, with the action that made it. */
  changed: (state: QueueState, action: QueueAction) => void;
  /** Before files start, so the ones starting now share work made ahead (file-items-ahead.ts); `concurrency` files may run at once. */
  beforeStart: (state: QueueState, concurrency: number) => void;
  /** Runs one file from its start to its end (done, failed or cancelled); never rejects. */
  run: (item: QueueItem, job: ActiveJob) => Promise<void>;
};

export class Scheduler {
  private current: QueueState = initialQueueState;
  private concurrency = DEFAULT_CONCURRENCY;
  private pumping = false;
  /** Set while every row is being stopped at once: nothing new starts in between. */
  private halted = false;
  private readonly jobs = new Map<string, ActiveJob>();
  /** Each started file's run, until it ends. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly hooks: SchedulerHooks) {}

  get state(): QueueState {
    return this.current;
  }

  item(key: string): QueueItem | undefined {
    return selectItem(this.current, key);
  }

  job(key: string): ActiveJob | undefined {
    return this.jobs.get(key);
  }

  /** Applies an action; false when it changed nothing (a late event, say progress after cancel). */
  dispatch(action: QueueAction): boolean {
    const next = uploadQueueReducer(this.current, action);
    if (next === this.current) return false;
    this.current = next;
    this.hooks.changed(next, action);
    this.pump();
    return true;
  }

  setConcurrency(value: number) {
    this.concurrency = value;
    this.pump();
  }

  /** Runs `stop` with starting held off, then starts what may start. */
  halt(stop: () => void) {
    this.halted = true;
    try {
      stop();
    } finally {
      this.halted = false;
    }
  }

  /** The runs still going, leaving out paused files (they wait for a person, not for the network). */
  unpausedRuns(): Promise<void>[] {
    return [...this.running].filter(([key]) => this.item(key)?.status !== "paused").map(([, run]) => run);
  }

  /** Starts waiting files while slots are free; re-entrant calls from the dispatches inside are no-ops. */
  pump() {
    if (this.pumping || this.halted) return;
    this.pumping = true;
    try {
      this.hooks.beforeStart(this.current, this.concurrency);
      for (let next = selectStartable(this.current, this.concurrency)[0]; next; next = selectStartable(this.current, this.concurrency)[0]) {
        this.dispatch({ type: "start", key: next.key, at: performance.now() });
        this.start(next);
      }
    } finally {
      this.pumping = false;
    }
  }

  private start(item: QueueItem) {
    const { key } = item;
    const job: ActiveJob = { controller: new AbortController(), fileItemId: null, control: null };
    this.jobs.set(key, job);
    const run = this.hooks.run(item, job).finally(() => {
      if (this.jobs.get(key) === job) this.jobs.delete(key);
      if (this.running.get(key) === run) this.running.delete(key);
    });
    this.running.set(key, run);
  }
}
