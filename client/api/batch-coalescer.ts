/** One item's outcome inside a batch answer. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

type Waiter<I, R> = { input: I; resolve: (value: R) => void; reject: (error: unknown) => void };

/**
 * Turns single calls into batch requests without adding a delay: calls made in the same task go
 * out together, and calls made while `maxInFlight` batches are on their way wait and leave
 * together as soon as one returns. So batches grow with the call rate and the round-trip time
 * (a quiet queue sends batches of one at once; a busy one sends few large ones), which is what
 * cuts per-request cost when hundreds of small files finish a second.
 */
export class BatchCoalescer<I, R> {
  private waiting: Waiter<I, R>[] = [];
  private inFlight = 0;
  private flushQueued = false;

  constructor(
    private readonly send: (inputs: I[]) => Promise<Settled<R>[]>,
    private readonly options: { maxBatch: number; maxInFlight: number },
  ) {}

  /** Resolves with this input's own result; a failed batch request rejects every call in it. */
  call(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.flushQueued) return;
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    });
  }

  private flush() {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.send(batch.map((waiter) => waiter.input))
        .then(
          (results) =>
            batch.forEach((waiter, i) => {
              const result = results[i];
              if (!result) waiter.reject(new Error("The batch answer has no result for this item."));
              else if (result.ok) waiter.resolve(result.value);
              else waiter.reject(result.error);
            }),
          (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.flush();
        });
    }
  }
}
