/**
 * The queue seen from afar, for the tray, the live region and the done notice: overall speed and
 * time left, throttled announcements, and when a batch ends. It lives as long as the engine (the
 * whole tab), so nothing restarts when the person moves between pages. No DOM, no React.
 */
import type { BatchOutcome } from "./batch-tally";
import { nextAnnouncement, QUIET_ANNOUNCER } from "./announcer";
import { hasPendingWork } from "./queue-select";
import { nextSpeed, secondsLeft, selectTotals, startSpeed } from "./upload-progress";
import type { QueueState, SpeedSample } from "./queue-types";

export type ActivitySnapshot = {
  /** Waiting, uploading, paused or verifying: the tray shows while this is true. */
  busy: boolean;
  filesLeft: number;
  percent: number;
  /** Smoothed bytes per second over the whole queue; null while nothing is sending. */
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** The live region's text: it changes only at milestones or every ANNOUNCE_INTERVAL_MS (announcer.ts). */
  announcement: string;
  /** Goes up with each new announcement, so the same words said twice are still a change to announce. */
  announcementId: number;
};

/** What the activity reads of the engine (UploadEngine satisfies it). */
export type ActivitySource = {
  subscribe(listener: () => void): () => void;
  getSnapshot(): QueueState;
  /** Batches ended so far, files stored and failed in them summed; the engine tells batches apart on every transition. */
  readonly batches: { count: number } & BatchOutcome;
};

const IDLE: ActivitySnapshot = { busy: false, filesLeft: 0, percent: 0, bytesPerSecond: null, secondsLeft: null, announcement: "", announcementId: 0 };

export class UploadActivity {
  private snapshot = IDLE;
  private batchesSeen = { count: 0, stored: 0, failed: 0 };
  private announcer = QUIET_ANNOUNCER;
  private speed: SpeedSample | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly batchListeners = new Set<(outcome: BatchOutcome) => void>();

  constructor(
    private readonly source: ActivitySource,
    private readonly now: () => number = () => performance.now(),
  ) {
    // For the tab's life, like the engine: unsubscribing would only matter if the engine outlived it.
    source.subscribe(() => this.observe(source.getSnapshot()));
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  /** Called with each batch's outcome as it ends (the done notice listens). */
  onBatchEnd(listener: (outcome: BatchOutcome) => void): () => void {
    this.batchListeners.add(listener);
    return () => void this.batchListeners.delete(listener);
  }

  private observe(state: QueueState) {
    const at = this.now();
    const busy = hasPendingWork(state);
    const { counts } = state.summary;
    // The batches that ended since the last tick (usually one), as one outcome.
    const batches = this.source.batches;
    const seen = this.batchesSeen;
    const ended = batches.count === seen.count ? null : { stored: batches.stored - seen.stored, failed: batches.failed - seen.failed };
    this.batchesSeen = batches;
    // Speed over the bytes of the whole queue, and only while bytes move (a paused queue has none).
    const totals = selectTotals(state);
    if (counts.uploading === 0) this.speed = null;
    else this.speed = this.speed ? nextSpeed(this.speed, totals.loaded, at) : startSpeed(at, totals.loaded);
    const bytesPerSecond = this.speed?.bytesPerSecond ?? null;
    const filesLeft = counts.waiting + counts.uploading + counts.paused + counts.verifying;
    const left = bytesPerSecond === null ? null : secondsLeft(totals.size - totals.loaded, bytesPerSecond);
    const spoken = nextAnnouncement(this.announcer, { busy, filesLeft, percent: totals.percent, secondsLeft: left, ended }, at);
    this.announcer = spoken.state;
    const announcement = spoken.text ?? this.snapshot.announcement;
    const announcementId = this.snapshot.announcementId + (spoken.text === null ? 0 : 1);
    this.snapshot = { busy, filesLeft, percent: totals.percent, bytesPerSecond, secondsLeft: left, announcement, announcementId };
    for (const listener of this.listeners) listener();
    if (ended) for (const listener of this.batchListeners) listener(ended);
  }
}
