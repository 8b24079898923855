/**
 * Which waiting files get their file item and signed POST before their turn. A small file's
 * time goes on round trips, not bytes, so the page asks for the next files' file items in one batch
 * request while earlier files are still on the wire: one create request per ~24 files instead of
 * one per file, and none on a file's own path when its turn comes.
 */
import { MIB } from "@/lib/units";
import type { UploadTarget } from "@/lib/contracts/upload-schemas";
import type { QueueItem } from "./upload-queue";

/** Larger files spend their time sending bytes; one create request each costs them nothing that matters. */
export const PREPARE_MAX_BYTES = 8 * MIB;
/** How far down the queue file items are made ahead; each holds its bytes of quota until it is sent or cancelled. */
export const PREPARE_WINDOW = 48;
/**
 * And at most this many bytes of files: on a slow link the window's last file must still start
 * before its POST policy (UPLOAD_URL_TTL_SECONDS, 10 minutes by default) runs out; 64 MiB is under
 * two minutes at 0.5 MB/s. One file is always allowed, however large.
 */
export const PREPARE_WINDOW_BYTES = 64 * MIB;
/**
 * Where files are hashed before they are asked for (client/engine/create-checksums.ts), the first batch
 * while nothing made ahead is waiting stops at this many bytes: a few photos, hashed in tens of
 * milliseconds, start while the rest of the window is hashed for the next batch.
 */
export const HASHED_START_BATCH_BYTES = 16 * MIB;
/**
 * A first hashed batch takes at least this many files, however few start at once: they are hashed
 * together (client/hashing/sha256-hasher.ts reads 4 at a time), so fewer would not start sooner.
 */
export const START_BATCH_MIN_FILES = 4;
/** A prepared POST policy (or PUT URL) this close to its expiry is replaced when its file starts, not used. */
export const PREPARED_POLICY_MIN_LIFE_MS = 60_000;

/** A file item made ahead is used only while its POST policy or PUT URL has PREPARED_POLICY_MIN_LIFE_MS left. */
export function isUsable(upload: UploadTarget, now = Date.now()): boolean {
  return upload.strategy === "multipart" || Date.parse(upload.expiresAt) - now > PREPARED_POLICY_MIN_LIFE_MS;
}

/** The first of `items` up to `maxBytes` in all, at least one. */
export function upToBytes(items: QueueItem[], maxBytes: number): QueueItem[] {
  let bytes = 0;
  let count = 0;
  for (const item of items) {
    bytes += item.size;
    if (bytes > maxBytes && count > 0) break;
    count++;
  }
  return items.slice(0, count);
}

/**
 * From the next waiting files (queue order), the ones to prepare now: nothing while enough are
 * ready, else the small files in the window (by count and bytes) that have no file item yet, at most
 * `maxBatch`.
 */
export function selectToPrepare(upcoming: readonly QueueItem[], isPrepared: (key: string) => boolean, maxBatch: number): QueueItem[] {
  const small: QueueItem[] = [];
  let bytes = 0;
  for (const item of upcoming.slice(0, PREPARE_WINDOW)) {
    if (item.size > PREPARE_MAX_BYTES) continue;
    if (small.length > 0 && bytes + item.size > PREPARE_WINDOW_BYTES) break;
    small.push(item);
    bytes += item.size;
  }
  // Refill once half the window has been used up, so batches stay large (24 of 48 small files).
  const ready = small.filter((item) => isPrepared(item.key)).length;
  if (ready * 2 >= small.length) return [];
  return small.filter((item) => !isPrepared(item.key)).slice(0, maxBatch);
}
