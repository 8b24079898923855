/**
 * The command-line uploader's turn order, with records made ahead as the upload page makes them
 * (client/queue/upload-queue-store.ts): while earlier files are sending, one batch create at a
 * time records the next small files (prepare-batches.ts), so a run of many small files costs one
 * create request per ~24 files and a file's turn starts with its POST. Big files, and any file
 * whose record could not be made ahead, create their own with the usual retries.
 */
import { isRefusal } from "../client/api/api-error";
import type { Settled } from "../client/api/batch-coalescer";
import { newIdempotencyKey } from "../client/api/idempotency-key";
import { callWithRetries, createWithRetries, type PostApi } from "../client/post/post-job";
import { isUsable, PREPARE_WINDOW } from "../client/queue/prepare-ahead";
import type { CreateUploadBody, CreateUploadResponse } from "../lib/contracts/upload-schemas";
import { selectBatch, type PlannedFile } from "./prepare-batches";

export type RecordApi = Pick<PostApi, "create" | "createMany" | "cancel">;

/** A file named on the command line; `planned` is null when it could not be measured or typed before the run. */
export type QueuedFile = { path: string; name: string; planned: PlannedFile | null };

/** A record asked for in a batch: the key it was asked with, and this file's own answer. */
type Prepared = { body: CreateUploadBody & { idempotencyKey: string }; outcome: Promise<Settled<CreateUploadResponse>> };


const sameFile = (a: CreateUploadBody, b: CreateUploadBody) => a.name === b.name && a.size === b.size && a.type === b.type;

/** One file's turn: its record, made ahead or made now, taken once. */
export class Turn {
  constructor(
    readonly file: QueuedFile,
    private readonly api: RecordApi,
    private prepared: Prepared | null,
  ) {}

  /**
   * The file's record and signed upload for `body` (the file as measured now). A record made ahead
   * is used while its policy has PREPARED_POLICY_MIN_LIFE_MS left. Otherwise (the batch failed
   * after its retries, this file's item failed for now, or the policy is nearly spent) the same
   * create is sent again with the same idempotency key: the server answers the record it stored
   * for that key with a fresh policy, or stores it now, never a second one. A refusal from the
   * batch (415, 413...) is this file's answer.
   */
  async record(body: CreateUploadBody, signal: AbortSignal): Promise<CreateUploadResponse> {
    const prepared = this.prepared;
    this.prepared = null;
    if (!prepared) return createWithRetries(this.api, body, signal);
    if (!sameFile(prepared.body, body)) {
      // Changed on disk since it was measured: that record's size is wrong for it.
      await this.release(prepared);
      return createWithRetries(this.api, body, signal);
    }
    const outcome = await prepared.outcome.catch(() => null);
    if (outcome?.ok && isUsable(outcome.value.upload)) return outcome.value;
    if (outcome && !outcome.ok && isRefusal(outcome.error)) throw outcome.error;
    return callWithRetries("create", () => this.api.create(prepared.body), signal);
  }

  /** The file will not be sent (it could not be read): gives back a record made ahead for it. */
  async discard(): Promise<void> {
    const prepared = this.prepared;
    this.prepared = null;
    if (prepared) await this.release(prepared);
  }

  private async release(prepared: Prepared) {
    const outcome = await prepared.outcome.catch(() => null);
    if (!outcome?.ok) return;
    await this.api.cancel(outcome.value.file.id).catch(() => {
      // Best effort: the server expires pending uploads it never hears about again.
    });
  }
}

/** Hands out the files in order, asking for the next small files' records before each turn. */
export class RecordsAhead {
  private position = 0;
  /** The files that may be recorded ahead, in order; those from `upcomingFrom` on have not had their turn. */
  private readonly preparable: PlannedFile[];
  private upcomingFrom = 0;
  private readonly prepared = new Map<string, Prepared>();
  private preparing = false;

  constructor(
    private readonly api: RecordApi,
    private readonly files: readonly QueuedFile[],
  ) {
    this.preparable = files.flatMap((file) => (file.planned ? [file.planned] : []));
  }

  /** The next file's turn, or undefined once every file has had one. */
  next(): Turn | undefined {
    const file = this.files[this.position];
    if (!file) return undefined;
    // Before the turn starts, so the file starting now shares a batch instead of creating alone.
    this.prepareAhead();
    this.position++;
    let prepared: Prepared | null = null;
    if (file.planned) {
      this.upcomingFrom++;
      prepared = this.prepared.get(file.planned.key) ?? null;
      this.prepared.delete(file.planned.key);
    }
    return new Turn(file, this.api, prepared);
  }

  /** One batch request at a time, as the page does. */
  private prepareAhead() {
    if (this.preparing) return;
    const upcoming = this.preparable.slice(this.upcomingFrom, this.upcomingFrom + PREPARE_WINDOW);
    const batch = selectBatch(upcoming, (key) => this.prepared.has(key));
    if (batch.length === 0) return;
    this.preparing = true;
    const bodies = batch.map(({ name, size, type }) => ({ name, size, type, idempotencyKey: newIdempotencyKey() }));
    // The same keys on every try, so a retry after a lost answer gets the same records back.
    const answer = callWithRetries("create", () => this.api.createMany(bodies), new AbortController().signal);
    answer
      .finally(() => {
        this.preparing = false;
        this.prepareAhead();
      })
      .catch(() => {
        // Each file's outcome below carries the failure to its own turn.
      });
    batch.forEach((file, i) => {
      const outcome = answer.then((results) => results[i] ?? { ok: false as const, error: new Error("The batch answer has no result for this file.") });
      outcome.catch(() => {
        // Read on the file's turn; unhandled until then is not an error.
      });
      this.prepared.set(file.key, { body: bodies[i]!, outcome });
    });
  }
}
