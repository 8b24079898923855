/**
 * The upload queue as a pure reducer: which files wait, which are sending bytes, and how each
 * ended. It knows files and bytes only, not how they travel (one POST or parts), so any transfer
 * engine can drive it with the same actions.
 *
 * Every action costs the same however long the queue is (bar copying the row array, a memcpy):
 * a key → position map finds the row, running totals (queue-summary.ts) replace scans, and
 * `firstWaiting` tells the scheduler where the next file to start is. With 1,000 rows a scan per
 * progress event made the page's work grow with the square of the queue.
 */
import { emptySummary, summarize, withItem, withReplaced } from "./queue-summary";
import type { FailureCode, QueueItem, QueueState, UploadStatus } from "./queue-types";
import { nextSpeed, startSpeed } from "./upload-progress";
import { checkUpload, type UploadCandidate, type UploadRules } from "@/lib/upload-rules";
import { checkFolderPath } from "@/client/files/folder-path";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";

export type { FailureCode, QueueItem, QueueState, UploadStatus } from "./queue-types";

/**
 * Files sending bytes at once: 12 fills the default UPLOAD_CONNECTIONS where the bucket has two
 * browser host names (6 per host, the browser's HTTP/1.1 limit). File items are made ahead and
 * completes run outside the slot, so a slot is one storage request for a small file; with one
 * host name the connection pool holds the extra files back, at no cost.
 */
export const DEFAULT_CONCURRENCY = 12;
/** 6 connections per host name over HTTP/1.1, for up to 4 host names; past that files only queue inside the browser. */
export const MAX_CONCURRENCY = 24;

/**
 * Rows that hold a concurrency slot. A verifying file's bytes are stored; its complete (coalesced
 * with others into batch requests) waits on the server, not on storage, so the next file is sent
 * meanwhile. Holding the slot through complete left storage idle for three quarters of a small
 * file's time (docs/benchmarks.md, B2).
 */
export const ACTIVE_STATUSES: readonly UploadStatus[] = ["uploading"];

export const initialQueueState: QueueState = { items: [], positions: new Map(), summary: emptySummary, firstWaiting: 0 };

export type QueueAction =
  | { type: "add"; files: (UploadCandidate & { key: string; path?: string })[]; rules: UploadRules }
  | { type: "start"; key: string; at: number }
  | { type: "created"; key: string; fileItemId: string; resumable?: boolean; loaded?: number }
  | { type: "progress"; key: string; loaded: number; at: number }
  | { type: "retrying"; key: string; at: number }
  | { type: "verifying"; key: string }
  | { type: "done"; key: string; file: FileItemJson }
  | { type: "failed"; key: string; code: FailureCode; message: string }
  | { type: "cancel"; key: string }
  | { type: "pause"; key: string }
  | { type: "resume"; key: string; at: number }
  | { type: "retry"; key: string }
  | { type: "clear" };

type ItemAction = Exclude<QueueAction, { type: "add" } | { type: "clear" }>;

/** The statuses each action applies to; anything else is a late event (say, progress after cancel) and is ignored. */
const APPLIES_TO: Record<ItemAction["type"], readonly UploadStatus[]> = {
  start: ["waiting"],
  created: ["uploading"],
  progress: ["uploading", "paused"],
  retrying: ["uploading"],
  verifying: ["uploading"],
  done: ["verifying"],
  failed: ["uploading", "paused", "verifying"],
  cancel: ["waiting", "uploading", "paused"],
  pause: ["uploading"],
  resume: ["paused"],
  retry: ["failed"],
};

const FINISHED: readonly UploadStatus[] = ["done", "cancelled", "rejected"];

function update(item: QueueItem, action: ItemAction): QueueItem {
  switch (action.type) {
    case "start": {
      const loaded = item.resumable ? item.loaded : 0;
      return { ...item, status: "uploading", loaded, retries: 0, error: null, speed: startSpeed(action.at, loaded) };
    }
    case "created":
      return { ...item, fileItemId: action.fileItemId, resumable: action.resumable ?? false, loaded: action.loaded ?? item.loaded };
    case "pause":
      return item.resumable ? { ...item, status: "paused", speed: null } : item;
    case "resume":
      return { ...item, status: "uploading", speed: startSpeed(action.at, item.loaded) };
    case "progress": {
      // Clamped and never backwards, whatever the transport reports.
      const loaded = Math.min(item.size, Math.max(item.loaded, action.loaded));
      return { ...item, loaded, speed: item.speed ? nextSpeed(item.speed, loaded, action.at) : startSpeed(action.at, loaded) };
    }
    case "retrying":
      // A single POST sends the whole file again, so its bytes count from zero.
      return { ...item, loaded: 0, retries: item.retries + 1, speed: startSpeed(action.at, 0) };
    case "verifying":
      return { ...item, status: "verifying", loaded: item.size, speed: null };
    case "done":
      return { ...item, status: "done", loaded: item.size, file: action.file };
    case "failed":
      return { ...item, status: "failed", speed: null, error: { code: action.code, message: action.message } };
    case "cancel":
      return { ...item, status: "cancelled", speed: null };
    case "retry":
      // A multipart upload keeps its file item and stored parts; the engine sends only what is missing.
      return { ...item, status: "waiting", loaded: item.resumable ? item.loaded : 0, fileItemId: item.resumable ? item.fileItemId : null, error: null };
  }
}

/** The first waiting position at or after `from`. */
export function nextWaiting(items: readonly QueueItem[], from: number): number {
  let i = from;
  while (i < items.length && items[i]!.status !== "waiting") i++;
  return i;
}

/** A state built from scratch (after `clear`, or in tests). */
export function queueStateOf(items: readonly QueueItem[]): QueueState {
  return { items, positions: new Map(items.map((item, i) => [item.key, i])), summary: summarize(items), firstWaiting: nextWaiting(items, 0) };
}

function addFiles(state: QueueState, action: Extract<QueueAction, { type: "add" }>): QueueState {
  const items = state.items.slice();
  const positions = new Map(state.positions);
  let summary = state.summary;
  for (const { key, name, size, type, path } of action.files) {
    // The server checks the folder path with the same rule; a path it would refuse is never requested.
    const violation = checkUpload({ name, size, type }, action.rules) ?? checkFolderPath(path);
    const item: QueueItem = {
      ...{ key, name, size, type, fileItemId: null, resumable: false, loaded: 0, speed: null, retries: 0, file: null },
      ...(path === undefined ? {} : { path }),
      status: violation ? "rejected" : "waiting",
      error: violation,
    };
    positions.set(key, items.length);
    items.push(item);
    summary = withItem(summary, item, 1);
  }
  return { items, positions, summary, firstWaiting: nextWaiting(items, state.firstWaiting) };
}

export function uploadQueueReducer(state: QueueState, action: QueueAction): QueueState {
  if (action.type === "add") return addFiles(state, action);
  if (action.type === "clear") return queueStateOf(state.items.filter((item) => !FINISHED.includes(item.status)));
  const index = state.positions.get(action.key);
  const item = index === undefined ? undefined : state.items[index];
  if (index === undefined || !item || !APPLIES_TO[action.type].includes(item.status)) return state;
  const next = update(item, action);
  if (next === item) return state;
  const items = state.items.slice();
  items[index] = next;
  let firstWaiting = state.firstWaiting;
  if (next.status === "waiting") firstWaiting = Math.min(firstWaiting, index);
  else if (index === firstWaiting) firstWaiting = nextWaiting(items, index + 1);
  return { items, positions: state.positions, summary: withReplaced(state.summary, item, next), firstWaiting };
}

/** A whole number in 1..MAX_CONCURRENCY; anything unreadable falls back to the default. */
export function clampConcurrency(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_CONCURRENCY;
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(value)));
}
