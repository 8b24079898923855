/**
 * The tab's previews (issue 21), on their own path beside the uploads and never in their way: a
 * file is done when its bytes are verified, and its preview follows. Previews are made in the
 * order their files start, by a bounded number of makers (preview-slots.ts: image workers sized to
 * the machine, more while no file is being sent), and on a machine of few cores only while no
 * small file is being sent or after YIELD_AT_MOST_MS (`yieldToSmallUploads`: a stream of small
 * files is CPU-bound there, so the files go first and their previews follow the stream, at most
 * that far behind); a preview made before its file is uploaded waits
 * (a blob of a few KiB) until it is; ready previews of uploaded file items leave in batches
 * (preview-batches.ts), and so do reports of those whose picture would not decode (UNDECODABLE), so
 * that no page asks for them again. Best effort throughout: a failure is no preview, never a failed
 * or retried file. Fed by the upload engine (`started`, `uploaded`, `dropped`, `paused`) and by the library grid
 * (`addStored`, for files whose preview is missing); each file item is tried once per tab. Owned
 * by the tab's upload manager, so it keeps going across pages. No React.
 */
import type { ConnectionPool } from "@/client/connection-pool";
import type { PostTransport } from "@/client/post/post-transport";
import type { PutTransport } from "@/client/put/put-transport";
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { previewKind, type PreviewMaker, type PreviewSource } from "./make-preview";
import type { MadePreview } from "./made-preview";
import { PreviewBatches, type LandedPreview, type PreviewApi, type ReadyPreview } from "./preview-batches";
import type { PreviewSlots } from "./preview-slots";

export type { LandedPreview } from "./preview-batches";

type Kind = keyof PreviewSlots;

type Entry = {
  key: string;
  kind: Kind;
  source: PreviewSource;
  /** Date.now() when it was queued: it yields to small files for at most YIELD_AT_MOST_MS from then. */
  queuedAt: number;
  controller: AbortController;
  /** Known once its file is uploaded (from the start for a stored file). */
  fileItemId: string | null;
  /** waiting for a maker, being made, made (or found undecodable) and waiting for its file to be uploaded, in a batch. */
  state: "waiting" | "making" | "made" | "sending";
  made: MadePreview;
};

export type PreviewQueueDeps = {
  api: PreviewApi;
  pool: ConnectionPool;
  post: PostTransport;
  putFile: PutTransport;
  /** A preview's CRC32, which its PUT URL signs (client/hashing/checksum.ts in the page); absent where previews go by POST form, which signs none. */
  hash?: (blob: Blob) => Promise<string>;
  make: PreviewMaker;
  slots: PreviewSlots;
  /** Makers start only while no small file is being sent (preview-slots.ts: yieldsToSmallUploads). */
  yieldToSmallUploads?: boolean;
  /** The makers while no file at all is being sent (preview-slots.ts: idlePreviewSlots); `slots` otherwise. */
  idleSlots?: PreviewSlots;
};

/**
 * Files up to this size are "small" for `yieldToSmallUploads`: each costs the machine its requests'
 * CPU more than its bytes' (the page, the network process, the app and the store per request), and
 * is sent within a second or so; a bigger one is bound by the link, and its previews need not wait for it.
 */
export const SMALL_UPLOAD_BYTES = 8 * 1024 * 1024;

/**
 * The longest a preview waits for small files being sent: a stream of a few hundred photos is
 * sent before its previews are made, a long one has them follow at most this far behind.
 */
export const YIELD_AT_MOST_MS = 5_000;

/** What the upload engine tells the queue of each file, by its row key. */
export type PreviewHandoff = {
  /** The file started: its preview is made from now on. */
  started(key: string, file: File): void;
  /** Its bytes are verified: the preview is sent once made. */
  uploaded(key: string, file: FileItemJson): void;
  /** Cancelled or failed: the preview is dropped (a Retry starts it again). */
  dropped(key: string): void;
  /** Paused: its bytes stop for now, its preview stays. */
  paused(key: string): void;
};

export class PreviewQueue implements PreviewHandoff {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Record<Kind, Entry[]> = { image: [], video: [] };
  private readonly making: Record<Kind, number> = { image: 0, video: 0 };
  /** Row keys of the files being sent, and of those among them makers yield to (small files, `yieldToSmallUploads`). */
  private readonly sending = new Set<string>();
  private readonly smallSending = new Set<string>();
  /** Set while the earliest waiting preview yields: pumps again when its wait is up. */
  private wake: { at: number; timer: ReturnType<typeof setTimeout> } | null = null;
  /** File items this tab has made a preview of, or tried to: never tried twice. */
  private readonly tried = new Set<string>();
  private readonly listeners = new Set<(landed: LandedPreview[]) => void>();
  private lifetime = new AbortController();
  private readonly batches: PreviewBatches;

  constructor(private readonly deps: PreviewQueueDeps) {
    this.batches = new PreviewBatches({ ...deps, signal: () => this.lifetime.signal, ended: (sent, landed) => this.ended(sent, landed) });
  }

  /** Previews being made now, and previews not yet recorded or given up. */
  get stats(): { making: Record<Kind, number>; pending: number } {
    return { making: { ...this.making }, pending: this.entries.size };
  }

  /** Requests made so far (the benchmark prints them). */
  get requests(): { plans: number; completes: number; failures: number } {
    return { ...this.batches.counts };
  }

  started(key: string, file: File) {
    this.sending.add(key);
    if (this.deps.yieldToSmallUploads && file.size <= SMALL_UPLOAD_BYTES) this.smallSending.add(key);
    if (isPreviewable(file.type)) this.enqueue(`upload:${key}`, { type: file.type, file }, null);
  }

  uploaded(key: string, file: FileItemJson) {
    this.sent(key);
    // The grid may have listed the file as uploaded before its complete answered here, and taken it.
    const takenByGrid = this.tried.has(file.id);
    this.tried.add(file.id);
    const entry = this.entries.get(`upload:${key}`);
    if (!entry) return;
    // Not wanted: a type the server makes none of, or one already stored.
    if (takenByGrid || !file.previewWanted) return this.drop(entry);
    entry.fileItemId = file.id;
    if (entry.state === "made") this.send(entry);
  }

  dropped(key: string) {
    this.sent(key);
    const entry = this.entries.get(`upload:${key}`);
    if (entry) this.drop(entry);
  }

  paused(key: string) {
    this.sent(key);
  }

  /** A file is no longer being sent: the last small one lets the makers start, the last of all lets more of them. */
  private sent(key: string) {
    if (!this.sending.delete(key)) return;
    this.smallSending.delete(key);
    if (this.smallSending.size === 0) queueMicrotask(() => this.pump());
  }

  /** A stored file item without a preview (the grid shows it); false when this tab has tried it already. */
  addStored(fileItemId: string, source: PreviewSource): boolean {
    if (this.tried.has(fileItemId) || !isPreviewable(source.type)) return false;
    this.tried.add(fileItemId);
    this.enqueue(`stored:${fileItemId}`, source, fileItemId);
    return true;
  }

  /**
   * File items whose preview this tab is still making or sending: a placeholder of one of them
   * turns into the picture when it lands. The grid fetches the list again for any other
   * (components/library/stuck-placeholders.ts).
   */
  working(): Set<string> {
    const ids = new Set<string>();
    for (const entry of this.entries.values()) if (entry.fileItemId) ids.add(entry.fileItemId);
    return ids;
  }

  /** The file item was deleted: its preview is dropped wherever it is. */
  forget(fileItemId: string) {
    for (const entry of [...this.entries.values()]) if (entry.fileItemId === fileItemId) this.drop(entry);
  }

  /** Signing out: every preview is dropped and requests on their way stop. */
  clear() {
    this.lifetime.abort();
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = null;
    this.lifetime = new AbortController();
    for (const entry of this.entries.values()) entry.controller.abort();
    this.entries.clear();
    this.sending.clear();
    this.smallSending.clear();
    this.waiting.image = [];
    this.waiting.video = [];
    this.tried.clear();
    this.batches.clear();
  }

  /** Called with each batch of previews recorded, as they land; answers the unsubscribe. */
  onLanded(listener: (landed: LandedPreview[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private enqueue(key: string, source: PreviewSource, fileItemId: string | null) {
    // A file retried after a failure keeps the preview already made or being made.
    if (this.entries.has(key)) return;
    const entry: Entry = { key, kind: previewKind(source.type), source, controller: new AbortController(), fileItemId, state: "waiting", made: null, queuedAt: Date.now() };
    this.entries.set(key, entry);
    this.waiting[entry.kind].push(entry);
    this.pump();
  }

  private drop(entry: Entry) {
    entry.controller.abort();
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  private isLive(entry: Entry): boolean {
    return this.entries.get(entry.key) === entry && !entry.controller.signal.aborted;
  }

  /** Starts the earliest waiting previews while makers are free. */
  private pump() {
    const slots = this.sending.size === 0 && this.deps.idleSlots ? this.deps.idleSlots : this.deps.slots;
    const now = Date.now();
    for (const kind of ["image", "video"] as const) {
      const queue = this.waiting[kind];
      while (this.making[kind] < slots[kind] && queue.length > 0) {
        const entry = queue[0]!;
        const waitUntil = entry.queuedAt + YIELD_AT_MOST_MS;
        if (this.smallSending.size > 0 && this.isLive(entry) && now < waitUntil) {
          this.wakeAt(waitUntil);
          break;
        }
        queue.shift();
        if (this.isLive(entry)) void this.make(entry);
      }
    }
  }

  /** Pumps again at `at` (Date.now() time), or earlier if already asked to. */
  private wakeAt(at: number) {
    if (this.wake && this.wake.at <= at) return;
    if (this.wake) clearTimeout(this.wake.timer);
    const timer = setTimeout(() => {
      this.wake = null;
      this.pump();
    }, at - Date.now());
    this.wake = { at, timer };
  }

  private async make(entry: Entry) {
    entry.state = "making";
    this.making[entry.kind]++;
    let made: MadePreview = null;
    try {
      made = await this.deps.make(entry.source, entry.controller.signal);
    } catch (err) {
      console.debug("No preview made:", err);
    } finally {
      this.making[entry.kind]--;
    }
    if (this.isLive(entry)) {
      entry.state = "made";
      entry.made = made;
      // A preview, or the news that none can be made, leaves once its file is uploaded.
      if (!made) this.entries.delete(entry.key);
      else if (entry.fileItemId) this.send(entry);
    }
    this.pump();
  }

  private send(entry: Entry) {
    entry.state = "sending";
    this.batches.push({ key: entry.key, fileItemId: entry.fileItemId!, made: entry.made!, signal: entry.controller.signal });
  }

  private ended(sent: readonly ReadyPreview[], landed: LandedPreview[]) {
    for (const preview of sent) {
      const entry = this.entries.get(preview.key);
      if (entry?.controller.signal === preview.signal) this.entries.delete(preview.key);
    }
    if (landed.length > 0) for (const listener of this.listeners) listener(landed);
  }
}
