/**
 * Which of the command-line uploader's files get their records in its next batch create: the
 * upload page's rule (client/queue/prepare-ahead.ts) applied to files on disk instead of queue
 * rows, at most PREPARE_BATCH_FILES per request. Pure, so a run's requests can be counted without
 * a server.
 */
import { PREPARE_WINDOW, selectToPrepare } from "../client/queue/prepare-ahead";
import type { QueueItem } from "../client/queue/upload-queue";

/** A file the CLI may make a record for ahead of its turn: measured on disk, with a known type. */
export type PlannedFile = { key: string; name: string; size: number; type: string };

/**
 * Files per batch create: half the window, which is what each refill asks for once the first
 * batch is made, so a run of small files costs one create request per 24 of them (docs/api.md,
 * "Rate limits") instead of the page's first, larger batch.
 */
export const PREPARE_BATCH_FILES = PREPARE_WINDOW / 2;

/** A file as the page's queue would hold it while it waits; selectToPrepare reads only key and size. */
function asWaiting({ key, name, size, type }: PlannedFile): QueueItem {
  return { key, name, size, type, status: "waiting", serverId: null, resumable: false, loaded: 0, speed: null, retries: 0, error: null, file: null };
}

/**
 * From the files whose turn has not come (in order), the ones to record in one batch now: nothing
 * while half the window is ready, else the small ones in the window without a record yet.
 */
export function selectBatch(upcoming: readonly PlannedFile[], isPrepared: (key: string) => boolean): PlannedFile[] {
  const window = upcoming.slice(0, PREPARE_WINDOW);
  const chosen = new Set(selectToPrepare(window.map(asWaiting), isPrepared, PREPARE_BATCH_FILES).map((item) => item.key));
  return window.filter((file) => chosen.has(file.key));
}
