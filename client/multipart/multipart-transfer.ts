/**
 * Drives one multipart upload (in the page, and in the CLI with a fetch PUT): asks the pure engine what to send, signs URLs in
 * batches ahead of need (each with the part's CRC32 when the upload's parts carry one), PUTs parts
 * through the shared connection pool, reports each stored part, and completes. No React; I/O comes
 * in through `deps`.
 */
import type { ConnectionPool } from "@/client/connection-pool";
import {
  allPartsDone,
  createEngineState,
  engineReducer,
  nextRetryAt,
  startableParts,
  transferredBytes,
  type EngineAction,
  type EngineState,
} from "./multipart-engine";
import { partRange, type PartPlan } from "@/lib/part-plan";
import type { PartTransport } from "./part-transport";
import { classifyApiFailure, classifyFailure, REPORT_BEFORE_COMPLETE_WAITS_MS } from "@/client/retry-policy";
import { StorageError } from "@/client/storage-error";
import type { FileItemJson, MultipartUploadTarget, PartReport } from "@/lib/contracts/upload-schemas";
import { traceClock, type Tracer } from "@/client/tracer";
import type { MultipartApi } from "./multipart-api";
import { PartFailedError } from "./part-failed-error";

export type MultipartDeps = {
  api: Pick<MultipartApi, "signParts" | "reportParts" | "completeMultipart">;
  pool: ConnectionPool;
  /** A part's CRC32; called only when the upload's parts carry one. */
  hash: (blob: Blob) => Promise<string>;
  /** The page's XHR PUT (part-transport.ts); the CLI passes its own over fetch. */
  put: PartTransport;
  /** Times each part's steps for the benchmark; none in the product. */
  tracer?: Tracer;
};

/** A URL this close to expiry is replaced before use, so a slow part does not start on a dying URL. */
const URL_SAFETY_MS = 60_000;
/** URLs signed per batch: enough to keep every connection busy for a while, one request. */
const SIGN_AHEAD = 12;
/**
 * Parts hashed ahead, and the window in which a new batch is signed once fewer than SIGN_AHEAD of
 * them have a URL: a sign round trip on a busy server (100-600 ms in B1) outlasts several parts.
 */
const PREPARE_AHEAD = 2 * SIGN_AHEAD;
/** The most parts one `reportParts` call carries (the route accepts up to 1,000). */
const REPORT_BATCH = 100;

/** How the file is cut, and whether each part carries its CRC32 (the server's `upload.checksum`). */
export type TransferPlan = PartPlan & Pick<MultipartUploadTarget, "checksum">;

export class MultipartTransfer {
  private state: EngineState;
  private readonly urls = new Map<number, { url: string; expiresAt: number }>();
  private readonly checksums = new Map<number, Promise<string>>();
  private readonly hashed = new Map<number, string>();
  private signing: Promise<void> | null = null;
  private readonly inFlight = new Map<number, AbortController>();
  /** Stored parts not yet reported to our server, and the report call on the wire, if any. */
  private readonly unreported: PartReport[] = [];
  private reporting: Promise<void> | null = null;
  private wake: () => void = () => {};
  private stopped = new AbortController();

  constructor(
    private readonly fileId: string,
    private readonly file: Blob,
    private readonly plan: TransferPlan,
    private readonly deps: MultipartDeps,
    private readonly onChange: (state: EngineState) => void,
    stored: Array<{ partNumber: number; etag: string }> = [],
  ) {
    this.state = engineReducer(createEngineState(plan, file.size), { type: "restore", stored });
  }

  get snapshot(): EngineState {
    return this.state;
  }

  bytesSent(): number {
    const { accepted, inFlight } = transferredBytes(this.state);
    return accepted + inFlight;
  }

  pause(): void {
    this.dispatch({ type: "pause" });
    this.abortInFlight();
  }

  resume(): void {
    this.dispatch({ type: "resume" });
  }

  cancel(): void {
    this.dispatch({ type: "cancel" });
    this.abortInFlight();
    this.stopped.abort();
  }

  /** Runs until the file is complete (resolves with the stored file) or fails or is cancelled (rejects). */
  async run(): Promise<FileItemJson> {
    for (;;) {
      const s = this.state;
      if (s.status === "cancelled") throw new DOMException("Cancelled", "AbortError");
      if (s.status === "failed") {
        const message = s.error?.message ?? "The upload failed.";
        throw s.error?.code === "part_failed" ? new PartFailedError(message) : new Error(message);
      }
      if (s.status === "running" && allPartsDone(s)) return this.complete();
      const [next] = s.status === "running" ? startableParts(s, 1, Date.now()) : [];
      if (!next) {
        await this.sleep(s.status === "running" ? nextRetryAt(s) : null);
        continue;
      }
      // Hash and sign before taking a connection: a slot held while waiting on either sends nothing.
      const { tracer } = this.deps;
      const p0 = traceClock(tracer);
      const prepared = await this.prepare(next.partNumber);
      const p1 = traceClock(tracer);
      let release: () => void;
      try {
        release = await this.deps.pool.acquire(this.stopped.signal);
      } catch {
        continue;
      }
      tracer?.span(`mp:prepare:${next.partNumber}`, p0, p1);
      tracer?.span(`mp:acquire:${next.partNumber}`, p1, performance.now());
      // The state may have moved meanwhile (paused, or the part started elsewhere).
      if (!startableParts(this.state, Infinity, Date.now()).some((p) => p.partNumber === next.partNumber)) {
        release();
        continue;
      }
      this.dispatch({ type: "partStarted", partNumber: next.partNumber });
      this.signAhead(next.partNumber);
      void this.sendPart(next.partNumber, prepared).finally(() => {
        release();
        this.wake();
      });
    }
  }

  /**
   * The part's checksum and URL, and the next parts' hashing under way; an error is handed to
   * `sendPart`, which counts the attempt and retries or fails like any other.
   */
  private async prepare(partNumber: number): Promise<{ error: unknown } | null> {
    try {
      if (this.checksummed) {
        // This part first: the hasher works in arrival order.
        const checksum = this.checksumOf(partNumber);
        this.prefetchChecksums(partNumber);
        await checksum;
      }
      await this.urlFor(partNumber);
      return null;
    } catch (error) {
      return { error };
    }
  }

  private async complete(): Promise<FileItemJson> {
    this.dispatch({ type: "completing" });
    try {
      await this.flushReportsBeforeComplete();
      const { file } = await this.deps.api.completeMultipart(this.fileId);
      this.dispatch({ type: "completed" });
      return file;
    } catch (err) {
      this.dispatch({ type: "failed", code: "complete_failed", message: (err as Error).message });
      throw err;
    }
  }

  private async sendPart(partNumber: number, prepared: { error: unknown } | null): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(partNumber, controller);
    try {
      if (prepared) throw prepared.error;
      const [start, end] = partRange(this.plan, this.file.size, partNumber);
      const blob = this.file.slice(start, end);
      const { tracer } = this.deps;
      const t0 = traceClock(tracer);
      const checksum = this.checksummed ? await this.checksumOf(partNumber) : null;
      const t1 = traceClock(tracer);
      const url = await this.urlFor(partNumber);
      const t2 = traceClock(tracer);
      const { etag } = await this.deps.put(url, blob, checksum, {
        signal: controller.signal,
        onProgress: (loaded) => this.dispatch({ type: "partProgress", partNumber, loaded }),
      });
      if (tracer) {
        const t3 = performance.now();
        tracer.span(`mp:wait-hash:${partNumber}`, t0, t1);
        tracer.span(`mp:wait-url:${partNumber}`, t1, t2);
        tracer.span(`mp:put:${partNumber}`, t2, t3);
      }
      // The connection is free as soon as storage has the part; the report to our server rides along in the next batch.
      this.dispatch({ type: "partDone", partNumber, etag });
      this.unreported.push(checksum ? { partNumber, etag, checksum } : { partNumber, etag });
      void this.flushReports().catch(() => {
        // Kept in `unreported`; the next part's flush, or complete(), sends it again.
      });
    } catch (err) {
      if (controller.signal.aborted) return; // paused or cancelled: the engine already requeued it
      const kind = err instanceof StorageError ? classifyFailure(err) : classifyApiFailure(err);
      if (kind === "expired") this.urls.delete(partNumber);
      this.dispatch({
        type: "partFailed",
        partNumber,
        kind,
        message: err instanceof Error ? err.message : String(err),
        at: Date.now(),
        random: Math.random(),
        // Storage's SlowDown and our API's 429 both carry the wait they asked for.
        retryAfterMs: (err as { retryAfterMs?: number | null } | null)?.retryAfterMs ?? null,
      });
    } finally {
      this.inFlight.delete(partNumber);
    }
  }

  /**
   * Sends every unreported part, in batches, one call at a time; resolves once all are reported.
   * Parts that fail to report stay queued. The report is bookkeeping (resume on stores without
   * ListParts), so it never holds a connection to storage.
   */
  private flushReports(): Promise<void> {
    if (this.unreported.length === 0 && !this.reporting) return Promise.resolve();
    this.reporting ??= (async () => {
      try {
        while (this.unreported.length > 0) {
          const batch = this.unreported.splice(0, REPORT_BATCH);
          try {
            await this.deps.api.reportParts(this.fileId, batch);
          } catch (err) {
            this.unreported.unshift(...batch);
            throw err;
          }
        }
      } finally {
        this.reporting = null;
      }
    })();
    return this.reporting;
  }

  private async flushReportsBeforeComplete(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.flushReports();
      } catch (err) {
        const wait = REPORT_BEFORE_COMPLETE_WAITS_MS[attempt];
        if (wait === undefined || classifyApiFailure(err) === "fatal") throw err;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** The upload was created with a part checksum: each part is hashed before its URL is signed. */
  private get checksummed(): boolean {
    return this.plan.checksum === "crc32";
  }

  /** A part whose URL can be signed now: hashed, or on an upload whose parts carry no checksum. */
  private readyToSign(partNumber: number): boolean {
    return !this.checksummed || this.hashed.has(partNumber);
  }

  /** Hashes the next parts while this one is on the wire, so their URLs can be signed in one batch. */
  private prefetchChecksums(after: number): void {
    for (const part of this.state.parts.slice(after, after + PREPARE_AHEAD)) {
      if (part.status !== "done") void this.checksumOf(part.partNumber).catch(() => {});
    }
  }

  private checksumOf(partNumber: number): Promise<string> {
    let checksum = this.checksums.get(partNumber);
    if (!checksum) {
      const [start, end] = partRange(this.plan, this.file.size, partNumber);
      checksum = this.deps.hash(this.file.slice(start, end));
      this.checksums.set(partNumber, checksum);
      const { tracer } = this.deps;
      const h0 = traceClock(tracer);
      checksum.then(
        (value) => {
          tracer?.span(`mp:hash:${partNumber}`, h0, performance.now());
          this.hashed.set(partNumber, value);
        },
        () => this.checksums.delete(partNumber),
      );
    }
    return checksum;
  }

  /** Signs the next hashed parts while the URLs in hand still last, so no part waits on a sign round trip. */
  private signAhead(after: number): void {
    if (this.signing) return;
    const upcoming = this.state.parts.filter((p) => p.partNumber > after && p.status === "pending").slice(0, PREPARE_AHEAD);
    const signed = upcoming.filter((p) => this.hasFreshUrl(p.partNumber)).length;
    if (signed >= SIGN_AHEAD) return;
    const batch = upcoming
      .map((p) => p.partNumber)
      .filter((n) => this.readyToSign(n) && !this.hasFreshUrl(n))
      .slice(0, SIGN_AHEAD);
    if (batch.length === 0) return;
    // A failure here is not the part's: `urlFor` signs it again when the part needs it.
    this.signing = this.signBatch(batch)
      .catch(() => {})
      .finally(() => (this.signing = null));
  }

  private hasFreshUrl(partNumber: number): boolean {
    const cached = this.urls.get(partNumber);
    return cached !== undefined && cached.expiresAt - Date.now() > URL_SAFETY_MS;
  }

  /** A fresh URL for the part, signing it together with the next parts that will need one. */
  private async urlFor(partNumber: number): Promise<string> {
    for (;;) {
      if (this.hasFreshUrl(partNumber)) return this.urls.get(partNumber)!.url;
      if (this.signing) {
        await this.signing;
        continue;
      }
      const batch = [partNumber, ...this.upcomingWithoutUrl(partNumber)].slice(0, SIGN_AHEAD);
      this.signing = this.signBatch(batch).finally(() => (this.signing = null));
      await this.signing;
    }
  }

  private upcomingWithoutUrl(except: number): number[] {
    return this.state.parts
      .filter((p) => p.status !== "done" && p.partNumber !== except && this.readyToSign(p.partNumber))
      .map((p) => p.partNumber)
      .filter((n) => !this.hasFreshUrl(n));
  }

  private async signBatch(partNumbers: number[]): Promise<void> {
    let checksums: Record<string, string> | undefined;
    if (this.checksummed) {
      checksums = {};
      for (const n of partNumbers) checksums[String(n)] = this.hashed.get(n) ?? (await this.checksumOf(n));
    }
    const { tracer } = this.deps;
    const s0 = traceClock(tracer);
    const { parts: signed } = await this.deps.api.signParts(this.fileId, partNumbers, checksums);
    tracer?.span(`mp:sign:${partNumbers.length}`, s0, performance.now());
    for (const part of signed) this.urls.set(part.partNumber, { url: part.url, expiresAt: Date.parse(part.expiresAt) });
  }

  private abortInFlight(): void {
    for (const controller of this.inFlight.values()) controller.abort();
  }

  private dispatch(action: EngineAction): void {
    const next = engineReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.onChange(next);
    this.wake();
  }

  private sleep(until: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = until !== null && until > Date.now() ? setTimeout(resolve, until - Date.now()) : null;
      this.wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      if (until !== null && until <= Date.now()) resolve();
    });
  }
}
