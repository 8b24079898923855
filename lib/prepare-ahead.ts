/**
 * Which waiting files get their server record and signed POST before their turn. A small file's
 * time goes on round trips, not bytes, so the page asks for the next files' records in one batch
 * request while earlier files are still on the wire: one create request per ~24 files instead of
 * one per file, and none on a file's own path when its turn comes.
 */
import { MIB } from "./part-plan";
import type { QueueItem } from "./upload-queue";

/** Larger files spend their time sending bytes; one create request each costs them nothing that matters. */
export const PREPARE_MAX_BYTES = 8 * MIB;
/** How far down the queue records are made ahead; each holds its bytes of quota until it is sent or cancelled. */
export const PREPARE_WINDOW = 48;
/** Ask for more records once fewer than this many of the window's files have one. */
export const PREPARE_REFILL_BELOW = 24;
/** A prepared POST policy this close to its expiry is replaced when its file starts, not used. */
export const PREPARED_POLICY_MIN_LIFE_MS = 60_000;

/**
 * From the next waiting files (queue order), the ones to prepare now: nothing while enough are
 * ready, else the small files in the window that have no record yet, at most `maxBatch`.
 */
export function selectToPrepare(upcoming: readonly QueueItem[], isPrepared: (key: string) => boolean, maxBatch: number): QueueItem[] {
  const small = upcoming.slice(0, PREPARE_WINDOW).filter((item) => item.size <= PREPARE_MAX_BYTES);
  const ready = small.filter((item) => isPrepared(item.key)).length;
  if (ready >= PREPARE_REFILL_BELOW) return [];
  return small.filter((item) => !isPrepared(item.key)).slice(0, maxBatch);
}
