/**
 * One file's preview on its way to storage: made from the moment the file starts, in parallel
 * with its bytes, and sent just before the file's complete (the route signs a form for the
 * file's pending file item, and complete checks and records what landed). Best effort throughout:
 * every failure ends as "no preview", never as a failed or retried file, and the file waits for
 * its preview at most PREVIEW_WAIT_MS after its bytes are stored plus PREVIEW_SEND_TIMEOUT_MS to
 * send it. No React.
 */
import type { ConnectionPool } from "@/client/connection-pool";
import type { PostTransport } from "@/client/post/post-transport";
import type { PlanPreviewBody, PlanPreviewResponse } from "@/lib/contracts/preview-schemas";
import type { PreviewMaker } from "./make-preview";

/** After the file's bytes are stored, how long its complete waits for a preview still being made. */
export const PREVIEW_WAIT_MS = 2_000;
/** How long planning and posting a ready preview may take before the file completes without it. */
export const PREVIEW_SEND_TIMEOUT_MS = 5_000;

/** What the store needs to make and send previews; the page passes one, the CLI none. */
export type PreviewOptions = {
  make: PreviewMaker;
  // POST /api/uploads/{id}/preview
  plan: (id: string, body: PlanPreviewBody) => Promise<PlanPreviewResponse>;
};

/** Resolves with `promise`'s value, or `fallback` once `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal, fallback: T): Promise<T> {
  if (signal.aborted) return Promise.resolve(fallback);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(fallback);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A signal that aborts with `parent` or after `ms`; `clear` drops the timer. (setTimeout, not AbortSignal.timeout, so tests' fake timers drive it.) */
function deadline(ms: number, parent: AbortSignal): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, ms);
  if (parent.aborted) abort();
  else parent.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener("abort", abort);
    },
  };
}

export class PreviewTask {
  private readonly controller = new AbortController();
  private readonly making: Promise<Blob | null>;
  /** Per file item id: a renewed file item (an expired policy) gets its own; a complete tried again does not send twice. */
  private readonly sent = new Map<string, Promise<void>>();

  constructor(
    file: File,
    private readonly options: PreviewOptions,
    private readonly transport: { pool: ConnectionPool; post: PostTransport },
    /** The file's own signal: cancelling the file drops its preview. */
    signal: AbortSignal,
  ) {
    if (signal.aborted) this.controller.abort();
    else signal.addEventListener("abort", () => this.controller.abort(), { once: true });
    this.making = Promise.resolve()
      .then(() => options.make(file, this.controller.signal))
      .catch((err: unknown) => {
        console.debug("Preview not made:", err);
        return null;
      });
  }

  /** Sends the preview for file item `id` if it is ready within PREVIEW_WAIT_MS; never rejects. */
  attach(id: string): Promise<void> {
    let sending = this.sent.get(id);
    if (!sending) {
      sending = this.send(id).catch((err: unknown) => console.debug("Preview not sent:", err));
      this.sent.set(id, sending);
    }
    return sending;
  }

  /** The file has ended: whatever is still being made or sent is dropped. */
  dispose() {
    this.controller.abort();
  }

  private async send(id: string): Promise<void> {
    const waiting = deadline(PREVIEW_WAIT_MS, this.controller.signal);
    const blob = await unlessAborted(this.making, waiting.signal, null).finally(waiting.clear);
    if (!blob) {
      // Not ready in time: stop making it, nobody will send it.
      this.controller.abort();
      return;
    }
    const sending = deadline(PREVIEW_SEND_TIMEOUT_MS, this.controller.signal);
    const { signal } = sending;
    try {
      const planned = await unlessAborted(this.options.plan(id, { size: blob.size, type: blob.type }), signal, null);
      if (!planned) return;
      const release = await this.transport.pool.acquire(signal);
      try {
        await this.transport.post(planned.upload, blob, { signal });
      } finally {
        release();
      }
    } finally {
      sending.clear();
    }
  }
}
