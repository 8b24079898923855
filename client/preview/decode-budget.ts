/**
 * Memory for the pictures being decoded at once, shared by every preview worker: a decode starts
 * only while the decoded sizes of those running fit within the budget, in the order they asked, so
 * a folder of 50-megapixel PNGs is decoded one after another however many workers there are. A
 * decode bigger than the whole budget still runs, alone (preview-size.ts bounds it).
 */
import { MIB } from "@/lib/units";
import type { Release } from "@/client/connection-pool";

/** One 40-megapixel PNG decoded whole (160 MiB, FULL_DECODE_MAX_PIXELS) plus room for a few photos decoded scaled down. */
export const DECODE_BUDGET_BYTES = 192 * MIB;

type Waiter = { cost: number; grant: () => void };

export class DecodeBudget {
  private used = 0;
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly budget = DECODE_BUDGET_BYTES) {}

  get inUse(): number {
    return this.used;
  }

  /** Resolves once `cost` bytes fit (or nothing else runs); rejects if `signal` aborts first. */
  acquire(cost: number, signal: AbortSignal): Promise<Release> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
        // The head may have been what held the others back.
        this.drain();
      };
      const waiter: Waiter = {
        cost,
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          this.used += cost;
          this.running++;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            this.used -= cost;
            this.running--;
            this.drain();
          });
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
      this.drain();
    });
  }

  /** First come, first served: a big decode waiting is not overtaken by small ones, so it never starves. */
  private drain() {
    for (let head = this.waiting[0]; head && (this.running === 0 || this.used + head.cost <= this.budget); head = this.waiting[0]) {
      this.waiting.shift();
      head.grant();
    }
  }
}
