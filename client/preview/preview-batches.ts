/**
 * Ready previews of uploaded file items, sent in batches (issue 21): one `POST /api/previews`
 * plans and signs a batch (a form or PUT URL per preview), each goes to storage (preview-post.ts), then
 * one `POST /api/previews/complete` checks and records what landed. Those of a batch whose picture
 * would not decode (UNDECODABLE) are reported beside them in one `POST /api/previews/failed`, so no
 * page downloads their files again to try. A batch leaves when it is full
 * (MAX_PREVIEW_BATCH_ITEMS), when no preview has come for PREVIEW_FLUSH_IDLE_MS, or at the latest
 * PREVIEW_FLUSH_MAX_WAIT_MS after its first: 200 photos make a handful of requests, and the last
 * preview of a folder waits a fifth of a second. Transient API failures are tried again
 * (client/api/api-retry.ts); a preview refused or lost is simply not recorded.
 */
import { callWithRetries, waitUnlessAborted } from "@/client/api/api-retry";
import type { UploadRoutes } from "@/client/api/upload-api";
import { decideRetry, failureOf } from "@/client/retry-policy";
import { MAX_PREVIEW_BATCH_ITEMS, type CompletedPreview } from "@/lib/contracts/preview-schemas";
import { UNDECODABLE } from "./made-preview";
import { postPreview, type PreviewPostDeps } from "./preview-post";

/** A batch leaves once no preview has come for this long. */
export const PREVIEW_FLUSH_IDLE_MS = 200;
/** ...and at the latest this long after its first preview came, however steadily they come. */
export const PREVIEW_FLUSH_MAX_WAIT_MS = 1_000;
/** Batches on their way at once; previews ready meanwhile gather into the next. */
export const PREVIEW_BATCHES_IN_FLIGHT = 2;

export type PreviewApi = Pick<UploadRoutes, "planPreviews" | "completePreviews" | "reportFailedPreviews">;
export type LandedPreview = CompletedPreview;
/**
 * What was made for an uploaded file item (`key`: the queue's own): its preview, or UNDECODABLE
 * (reported); `signal` drops it (its file deleted, signing out).
 */
export type ReadyPreview = { key: string; fileItemId: string; made: Blob | typeof UNDECODABLE; signal: AbortSignal };
type PreviewToSend = ReadyPreview & { made: Blob };

export type PreviewBatchDeps = PreviewPostDeps & {
  api: PreviewApi;
  /** A preview's CRC32, which its PUT URL signs; absent where previews go by POST form (reading each preview back to hash it cost a Blob read apiece, for nothing). */
  hash?: (blob: Blob) => Promise<string>;
  /** Aborts on signing out: API calls stop. */
  signal: () => AbortSignal;
  /** Every preview pushed ends in exactly one call, with the previews of its batch that were recorded. */
  ended: (sent: readonly ReadyPreview[], landed: LandedPreview[]) => void;
};

const byItem = <T extends { fileItemId: string }>(values: readonly T[]) => new Map(values.map((value) => [value.fileItemId, value]));

export class PreviewBatches {
  private waiting: ReadyPreview[] = [];
  private inFlight = 0;
  /** A batch was due while every send was busy: it leaves as soon as one returns. */
  private due = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private maxWaitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: PreviewBatchDeps) {}

  /** Requests made so far, for tests and the benchmark. */
  readonly counts = { plans: 0, completes: 0, failures: 0 };

  push(preview: ReadyPreview) {
    this.waiting.push(preview);
    if (this.due || this.waiting.length >= MAX_PREVIEW_BATCH_ITEMS) return this.flush();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.flush(), PREVIEW_FLUSH_IDLE_MS);
    this.maxWaitTimer ??= setTimeout(() => this.flush(), PREVIEW_FLUSH_MAX_WAIT_MS);
  }

  /** Signing out: what has not left yet never will (what is on its way stops with the deps' signal). */
  clear() {
    this.clearTimers();
    this.waiting = [];
    this.due = false;
  }

  private clearTimers() {
    clearTimeout(this.idleTimer);
    clearTimeout(this.maxWaitTimer);
    this.idleTimer = this.maxWaitTimer = undefined;
  }

  private flush() {
    this.clearTimers();
    this.due = true;
    while (this.inFlight < PREVIEW_BATCHES_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_PREVIEW_BATCH_ITEMS);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        if (this.due || this.waiting.length >= MAX_PREVIEW_BATCH_ITEMS) this.flush();
      });
    }
    if (this.waiting.length === 0) this.due = false;
  }

  private async send(batch: ReadyPreview[]) {
    let landed: LandedPreview[] = [];
    try {
      landed = await this.sendBatch(batch.filter((preview) => !preview.signal.aborted));
    } catch (err) {
      console.debug("Previews not recorded:", err);
    } finally {
      // Dropped while on its way (deleted, signed out): nobody shows it.
      const dropped = new Set(batch.filter((preview) => preview.signal.aborted).map((preview) => preview.fileItemId));
      this.deps.ended(batch, landed.filter((done) => !dropped.has(done.fileItemId)));
    }
  }

  private async sendBatch(batch: ReadyPreview[]): Promise<LandedPreview[]> {
    const signal = this.deps.signal();
    const made = batch.filter((preview): preview is PreviewToSend => preview.made !== UNDECODABLE);
    const failed = batch.flatMap((preview) => (preview.made === UNDECODABLE ? [preview.fileItemId] : []));
    const [landed] = await Promise.all([this.sendPreviews(made, signal), this.reportFailed(failed, signal)]);
    return landed;
  }

  /** Best effort, and never in the previews' way: a report lost is a file some page tries again. */
  private async reportFailed(fileItemIds: string[], signal: AbortSignal): Promise<void> {
    if (fileItemIds.length === 0) return;
    this.counts.failures++;
    try {
      await callWithRetries("complete", () => this.deps.api.reportFailedPreviews(fileItemIds), signal);
    } catch (err) {
      console.debug("Failed previews not recorded:", err);
    }
  }

  private async sendPreviews(batch: PreviewToSend[], signal: AbortSignal): Promise<LandedPreview[]> {
    if (batch.length === 0) return [];
    const { api } = this.deps;
    this.counts.plans++;
    // Each preview's CRC32 where a PUT's URL signs it: a few KiB each.
    const { hash } = this.deps;
    const checksums = hash ? await Promise.all(batch.map((p) => hash(p.made))) : [];
    const plans = await callWithRetries(
      "create",
      () => api.planPreviews(batch.map((p, i) => ({ fileItemId: p.fileItemId, size: p.made.size, type: p.made.type, checksum: checksums[i] }))),
      signal,
    );
    const planned = byItem(plans.flatMap((result) => (result.ok ? [result.value] : [])));
    const stored = await Promise.all(
      batch.map(async (preview) => {
        const target = planned.get(preview.fileItemId)?.upload;
        const posted = target && (await postPreview(this.deps, target, preview.made, AbortSignal.any([signal, preview.signal])));
        return posted ? [preview.fileItemId] : [];
      }),
    );
    return this.completeStored(stored.flat(), signal);
  }

  /**
   * Records the previews in storage. One whose own answer in the batch is a passing failure (its
   * check met a busy store: a 5xx or 429 of its own) is completed again as the retry policy says:
   * its staging object is still there, and lost here it would never land in this tab, its card
   * keeping the placeholder until the page is loaded again.
   */
  private async completeStored(fileItemIds: string[], signal: AbortSignal): Promise<LandedPreview[]> {
    const landed: LandedPreview[] = [];
    let ids = fileItemIds;
    for (let attempt = 1; ids.length > 0 && !signal.aborted; attempt++) {
      this.counts.completes++;
      const asked = ids;
      const completed = await callWithRetries("complete", () => this.deps.api.completePreviews(asked), signal);
      let delayMs = 0;
      ids = completed.flatMap((result, i) => {
        if (result.ok) {
          landed.push(result.value);
          return [];
        }
        const failure = failureOf(result.error);
        const decision = failure && decideRetry("complete", failure, attempt, Math.random());
        if (decision?.action !== "retry") return [];
        delayMs = Math.max(delayMs, decision.delayMs);
        return [asked[i]!];
      });
      if (ids.length === 0) break;
      try {
        await waitUnlessAborted(delayMs, signal);
      } catch {
        break;
      }
    }
    return landed;
  }
}
