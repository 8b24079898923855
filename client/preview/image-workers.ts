/**
 * A small pool of image preview workers (image-preview.worker.ts), started as they are first
 * needed, each given one job at a time, the jobs in the order they came. A job's signal drops it
 * while it waits; once a worker has it, its answer is awaited all the same, so the worker is never
 * handed a second picture while it still holds one. A worker that cannot load (bundler, CSP) means
 * no image previews on this page, nothing worse. A worker that has decoded RECYCLE_AFTER_BYTES is
 * ended once idle and a fresh one started when next needed: Chromium keeps a decoded frame's
 * memory after its close() until the worker's collector runs, which its small heap seldom asks
 * for, so two workers each held ~65 MB of frames by the end of 200 photos (B2's real media, tab
 * memory past its bound); ending the worker frees them at once. Browser-only; no React.
 */
import type { ImagePreviewAnswer, ImagePreviewRequest } from "./image-preview.worker";
import type { MadePreview } from "./made-preview";

/** What the pool needs of a Worker, so tests can stand one in. */
export type PreviewWorker = {
  postMessage(request: ImagePreviewRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<ImagePreviewAnswer>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
};

export type ImageJob = Omit<ImagePreviewRequest, "id">;

type Waiting = { job: ImageJob; decodeBytes: number; signal: AbortSignal; answer: (preview: MadePreview) => void };
type Slot = { worker: PreviewWorker; current: Waiting | null; decodedBytes: number };

/** What a worker may decode (image-preview.ts: decodeCostBytes) before it is replaced by a fresh one. */
export const RECYCLE_AFTER_BYTES = 64 * 1024 * 1024;

const spawnPreviewWorker = (): PreviewWorker => new Worker(new URL("./image-preview.worker.ts", import.meta.url), { type: "module" });

export class ImageWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private broken = false;
  private nextId = 0;
  private retired = 0;

  constructor(
    private readonly size: number,
    private readonly spawn: () => PreviewWorker = spawnPreviewWorker,
  ) {}

  /** Workers running, how many hold a job, and how many were ended to free their memory. */
  get stats(): { started: number; busy: number; retired: number } {
    return { started: this.slots.length, busy: this.slots.filter((slot) => slot.current).length, retired: this.retired };
  }

  /**
   * The preview, UNDECODABLE (the worker's decode threw), or null (dropped while waiting, no workers
   * on this page). Never rejects. `decodeBytes`: what decoding it holds, counted toward the worker's recycling.
   */
  run(job: ImageJob, signal: AbortSignal, decodeBytes = 0): Promise<MadePreview> {
    if (this.broken || signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiting: Waiting = { job, decodeBytes, signal, answer: resolve };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiting);
        if (index < 0) return;
        this.waiting.splice(index, 1);
        resolve(null);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      waiting.answer = (preview) => {
        signal.removeEventListener("abort", onAbort);
        resolve(preview);
      };
      this.waiting.push(waiting);
      this.dispatch();
    });
  }

  private dispatch() {
    while (!this.broken && this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.current) ?? this.start();
      if (!slot) return;
      const next = this.waiting.shift()!;
      slot.current = next;
      slot.worker.postMessage({ id: this.nextId++, ...next.job });
    }
  }

  private start(): Slot | null {
    if (this.slots.length >= this.size) return null;
    let worker: PreviewWorker;
    try {
      worker = this.spawn();
    } catch {
      this.fail();
      return null;
    }
    const slot: Slot = { worker, current: null, decodedBytes: 0 };
    worker.onmessage = (event) => {
      const done = slot.current;
      slot.current = null;
      if (done) slot.decodedBytes += done.decodeBytes;
      if (slot.decodedBytes >= RECYCLE_AFTER_BYTES) this.retire(slot);
      done?.answer(event.data.preview);
      this.dispatch();
    };
    worker.onerror = () => this.fail();
    this.slots.push(slot);
    return slot;
  }

  /** Ends an idle worker; the next job that needs one starts a fresh one. */
  private retire(slot: Slot) {
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    slot.worker.terminate();
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.retired++;
  }

  /** No worker could load: every job, now and later, answers null. */
  private fail() {
    this.broken = true;
    for (const slot of this.slots) {
      slot.current?.answer(null);
      slot.current = null;
    }
    for (const waiting of this.waiting.splice(0)) waiting.answer(null);
  }
}
