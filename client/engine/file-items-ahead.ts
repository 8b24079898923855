/**
 * File items made ahead, for the page and the CLI alike: while earlier files are on the wire, one
 * batch create at a time asks for the file items and signed POSTs of the next small files
 * (client/queue/prepare-ahead.ts says which), so a run of small files costs one create request per
 * ~24 files and a file's turn starts with its POST. When a file's turn comes it takes its file item:
 * the one made ahead while its policy lasts; the batch's refusal (415, 413...) as its own answer;
 * otherwise the same create again with the same idempotency key, so the server answers the file item
 * it stored under that key, or stores it now, never a second one. A file cancelled meanwhile
 * gives its file item back. Where a create carries a hash of the file (create-checksums.ts: the
 * CRC32 a PUT URL signs, or the SHA-256 a POST form binds), a batch's files are hashed first, and
 * a first batch (no file on the wire yet, nothing made ahead) stops at the files that start at once
 * (at least START_BATCH_MIN_FILES) and at HASHED_START_BATCH_BYTES, so they start as soon as they
 * are hashed while the next batch is hashed.
 */
import { isRefusal } from "@/client/api/api-error";
import { callWithRetries, createWithRetries } from "@/client/api/api-retry";
import type { Settled } from "@/client/api/batch-coalescer";
import { newIdempotencyKey } from "@/client/api/idempotency-key";
import type { UploadApi } from "@/client/api/upload-api";
import { HASHED_START_BATCH_BYTES, isUsable, selectToPrepare, START_BATCH_MIN_FILES, upToBytes } from "@/client/queue/prepare-ahead";
import type { QueueItem } from "@/client/queue/upload-queue";
import { MAX_BATCH_ITEMS, type CreateUploadBody, type CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import type { CreateChecksums } from "./create-checksums";

/** A create's body, or its promise while the file is hashed (rejected when it cannot be read). */
type Body = CreateUploadBody | Promise<CreateUploadBody>;

/** A file item asked for ahead: the body with the idempotency key it was asked with, and its answer. */
type Prepared = { body: Body; created: Promise<CreateUploadResponse> };

/** A file's file item and signed upload, with the body it was asked with (its hash, no idempotency key), for a job that must ask again. */
export type FileItemAnswer = CreateUploadResponse & { body: CreateUploadBody };

function withoutKey({ idempotencyKey: _, ...body }: CreateUploadBody): CreateUploadBody {
  return body;
}

/** The create request's body for a queue item: its folder goes with it (absent for a loose file). */
export function bodyOf({ name, size, type, path }: Pick<QueueItem, "name" | "size" | "type" | "path">): CreateUploadBody {
  return path === undefined ? { name, size, type } : { name, size, type, path };
}

/** This file's result in a batch answer, or its error thrown. */
function valueOf<T>(result: Settled<T> | undefined): T {
  if (!result) throw new Error("The server's batch answer has no result for this file.");
  if (!result.ok) throw result.error;
  return result.value;
}

export class FileItemsAhead {
  private readonly prepared = new Map<string, Prepared>();
  private preparing = false;

  constructor(
    private readonly api: Pick<UploadApi, "create" | "createMany">,
    private readonly hooks: {
      /** Tells the server to drop a file item nobody will use. */
      release: (id: string) => void;
      /** Keeps a promise the caller must wait for before it may say everything is settled. */
      track: (promise: Promise<unknown>) => void;
      /** A batch has its answer (or gave up): the next one may be asked for. */
      answered: () => void;
      /** Which creates carry a hash of the file (the CRC32 for a PUT, the SHA-256 for a form that binds it), and how it is hashed. */
      checksums?: CreateChecksums;
    },
  ) {}

  /** Whether the queue item has a file item made ahead (or on its way). */
  has(key: string): boolean {
    return this.prepared.has(key);
  }

  /**
   * Asks, in one batch request, for the file items of the next small files among `upcoming()` (the
   * first waiting queue items, in queue order); one batch at a time. A function, so the queue is not read
   * while a batch is on its way: this runs on every transition, progress events included.
   * `startingFiles`: when no file is on the wire yet, how many may start at once.
   */
  prepare(upcoming: () => readonly QueueItem[], startingFiles?: number) {
    if (this.preparing) return;
    let batch = selectToPrepare(upcoming(), (key) => this.prepared.has(key), MAX_BATCH_ITEMS);
    if (batch.length === 0) return;
    // Nothing is on the wire or ready to start: hash only the files that start first before
    // asking (a whole window of 48 photos took 0.4-0.5 s to hash and ask for, the link idle
    // meanwhile). Not while files are on the wire: the next batch is whole (one create per ~24 files).
    if (startingFiles !== undefined && this.prepared.size === 0 && batch.some((item) => this.hooks.checksums?.fieldFor(item.size))) {
      batch = upToBytes(batch.slice(0, Math.max(START_BATCH_MIN_FILES, startingFiles)), HASHED_START_BATCH_BYTES);
    }
    this.preparing = true;
    // The same keys on every try, so a retry after a lost answer gets the same file items back.
    const bodies = batch.map((item) => this.bodyFor(item.key, { ...bodyOf(item), idempotencyKey: newIdempotencyKey() }));
    // Nobody cancels a batch: a file cancelled meanwhile releases its own file item when it arrives.
    const answer = this.createAll(bodies);
    answer
      .finally(() => {
        this.preparing = false;
        this.hooks.answered();
      })
      .catch(() => {
        // Each file's promise below carries the failure to its own queue item.
      });
    batch.forEach(({ key }, i) => {
      const created = answer.then((results) => valueOf(results[i]));
      created.catch(() => {
        // Read when the file starts; unhandled until then is not an error.
      });
      this.prepared.set(key, { body: bodies[i]!, created });
    });
  }

  /**
   * This file's file item and signed upload, taken once: made ahead while its policy has
   * PREPARED_POLICY_MIN_LIFE_MS left; a refusal in the batch is the file's answer; otherwise (the
   * batch failed for now, or the policy is nearly spent) the same create again with the same key.
   * A file with nothing made ahead creates its own, with retries.
   */
  async fileItemFor(key: string, body: CreateUploadBody, signal: AbortSignal): Promise<FileItemAnswer> {
    const prepared = this.take(key);
    if (!prepared) {
      const own = await this.bodyFor(key, body);
      return { ...(await createWithRetries(this.api.create, own, signal)), body: own };
    }
    const outcome = await prepared.created.then(
      (created) => ({ ok: true as const, created }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (outcome.ok && isUsable(outcome.created.upload)) return { ...outcome.created, body: withoutKey(await prepared.body) };
    if (!outcome.ok && isRefusal(outcome.error)) throw outcome.error;
    // A file that could not be hashed fails here with its read error.
    const keyed = await prepared.body;
    return { ...(await callWithRetries("create", () => this.api.create(keyed), signal)), body: withoutKey(keyed) };
  }

  /** The file will not use its file item made ahead (cancelled, or it resumes another upload): it is released once it arrives. */
  discard(key: string) {
    const created = this.take(key)?.created;
    if (!created) return;
    this.hooks.track(
      created.then(({ file }) => this.hooks.release(file.id)).catch(() => {
        // No file item was made, so nothing to release.
      }),
    );
  }

  /** `body` with the file's hash in its field when its create carries one: hashed first. */
  private bodyFor(key: string, body: CreateUploadBody): Body {
    const { checksums } = this.hooks;
    const field = checksums?.fieldFor(body.size);
    if (!checksums || !field) return body;
    return checksums.of(key, field).then((hash) => ({ ...body, [field]: hash }));
  }

  /**
   * One batch create for `bodies` once their files are hashed (at once when none needs it), tried
   * again after transient failures; a file that could not be hashed answers its own read error.
   */
  private async createAll(bodies: Body[]): Promise<Array<Settled<CreateUploadResponse>>> {
    const ready: Array<Settled<CreateUploadBody>> = bodies.some((body) => body instanceof Promise)
      ? (await Promise.allSettled(bodies)).map((result) => (result.status === "fulfilled" ? { ok: true, value: result.value } : { ok: false, error: result.reason }))
      : bodies.map((body) => ({ ok: true, value: body as CreateUploadBody }));
    const sendable = ready.flatMap((result) => (result.ok ? [result.value] : []));
    const answers = sendable.length === 0 ? [] : await callWithRetries("create", () => this.api.createMany(sendable), new AbortController().signal);
    let next = 0;
    return ready.map((result): Settled<CreateUploadResponse> => (result.ok ? answers[next++]! : result));
  }

  /** The file item made ahead for this file, if any; it leaves the map, so it is used or released once. */
  private take(key: string): Prepared | null {
    const prepared = this.prepared.get(key);
    if (!prepared) return null;
    this.prepared.delete(key);
    return prepared;
  }
}
