/**
 * Counts what the queue stored and tells batches apart (from the queue getting work to none being
 * left, client/queue/batch-tally.ts) on every transition, not on the render tick: a batch of small
 * files can start and end between two ticks. The done notice and the announcer read the sums.
 */
import { hasPendingWork } from "@/client/queue/queue-select";
import type { QueueAction, QueueState } from "@/client/queue/upload-queue";
import { IDLE_TALLY, observeBatch, type BatchOutcome } from "@/client/queue/batch-tally";

export type EndedBatches = { count: number } & BatchOutcome;

export class BatchTracker {
  /** Files stored since the engine was made; never goes down, so a batch's count survives Clear. */
  private storedTotal = 0;
  private tally = IDLE_TALLY;
  private endedSoFar: EndedBatches = { count: 0, stored: 0, failed: 0 };

  get stored(): number {
    return this.storedTotal;
  }

  /** Batches ended so far, with their files stored and failed summed. */
  get ended(): EndedBatches {
    return this.endedSoFar;
  }

  /** After each transition: `state` is the queue once `action` applied. Constant time (running totals). */
  observe(state: QueueState, action: QueueAction) {
    if (action.type === "done") this.storedTotal++;
    const batch = observeBatch(this.tally, { busy: hasPendingWork(state), stored: this.storedTotal, failed: state.summary.counts.failed });
    this.tally = batch.tally;
    if (batch.ended) {
      const { count, stored, failed } = this.endedSoFar;
      this.endedSoFar = { count: count + 1, stored: stored + batch.ended.stored, failed: failed + batch.ended.failed };
    }
  }
}
