/**
 * The upload queue as a pure reducer: which files wait, which are sending bytes, and how each
 * ended. It knows files and bytes only, not how they travel (one POST today, parts later), so any
 * transfer engine can drive it with the same actions.
 */
import { checkUpload, type UploadCandidate, type UploadRules } from "./upload-rules";
import type { FileDto } from "./upload-schemas";
import { nextSpeed, startSpeed, type SpeedSample } from "./upload-progress";

export const DEFAULT_CONCURRENCY = 3;
/** Browsers open at most 6 connections per host over HTTP/1.1; more than 10 only queues inside the browser. */
export const MAX_CONCURRENCY = 10;

export type UploadStatus = "waiting" | "uploading" | "paused" | "verifying" | "done" | "failed" | "cancelled" | "rejected";

/** Rows that hold a concurrency slot. */
export const ACTIVE_STATUSES: readonly UploadStatus[] = ["uploading", "verifying"];

export type QueueItem = UploadCandidate & {
  /** Client-side identity; the server's id arrives later with `created`. */
  key: string;
  status: UploadStatus;
  serverId: string | null;
  /** Multipart uploads can pause and resume; a single POST can only restart. */
  resumable: boolean;
  loaded: number;
  speed: SpeedSample | null;
  error: { code: string; message: string } | null;
  file: FileDto | null;
};

export type QueueState = { items: QueueItem[] };

export const initialQueueState: QueueState = { items: [] };

export type QueueAction =
  | { type: "add"; files: (UploadCandidate & { key: string })[]; rules: UploadRules }
  | { type: "start"; key: string; at: number }
  | { type: "created"; key: string; serverId: string; resumable?: boolean; loaded?: number }
  | { type: "progress"; key: string; loaded: number; at: number }
  | { type: "verifying"; key: string }
  | { type: "done"; key: string; file: FileDto }
  | { type: "failed"; key: string; code: string; message: string }
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
    case "start":
      return { ...item, status: "uploading", loaded: item.resumable ? item.loaded : 0, error: null, speed: startSpeed(action.at, item.resumable ? item.loaded : 0) };
    case "created":
      return { ...item, serverId: action.serverId, resumable: action.resumable ?? false, loaded: action.loaded ?? item.loaded };
    case "pause":
      return item.resumable ? { ...item, status: "paused", speed: null } : item;
    case "resume":
      return { ...item, status: "uploading", speed: startSpeed(action.at, item.loaded) };
    case "progress": {
      // Clamped and never backwards, whatever the transport reports.
      const loaded = Math.min(item.size, Math.max(item.loaded, action.loaded));
      return { ...item, loaded, speed: item.speed ? nextSpeed(item.speed, loaded, action.at) : startSpeed(action.at, loaded) };
    }
    case "verifying":
      return { ...item, status: "verifying", loaded: item.size, speed: null };
    case "done":
      return { ...item, status: "done", loaded: item.size, file: action.file };
    case "failed":
      return { ...item, status: "failed", speed: null, error: { code: action.code, message: action.message } };
    case "cancel":
      return { ...item, status: "cancelled", speed: null };
    case "retry":
      // A multipart upload keeps its server id and stored parts; the engine sends only what is missing.
      return { ...item, status: "waiting", loaded: item.resumable ? item.loaded : 0, serverId: item.resumable ? item.serverId : null, error: null };
  }
}

export function uploadQueueReducer(state: QueueState, action: QueueAction): QueueState {
  if (action.type === "add") {
    const added = action.files.map(({ key, name, size, type }): QueueItem => {
      const violation = checkUpload({ name, size, type }, action.rules);
      const status = violation ? "rejected" : "waiting";
      return { key, name, size, type, status, serverId: null, resumable: false, loaded: 0, speed: null, error: violation, file: null };
    });
    return { items: [...state.items, ...added] };
  }
  if (action.type === "clear") return { items: state.items.filter((item) => !FINISHED.includes(item.status)) };
  const index = state.items.findIndex((item) => item.key === action.key);
  const item = state.items[index];
  if (!item || !APPLIES_TO[action.type].includes(item.status)) return state;
  const next = update(item, action);
  if (next === item) return state;
  const items = state.items.slice();
  items[index] = next;
  return { items };
}

export function countActive(state: QueueState): number {
  return state.items.filter((item) => ACTIVE_STATUSES.includes(item.status)).length;
}

/** The waiting items that may start now, oldest first, so no more than `concurrency` are active. */
export function selectStartable(state: QueueState, concurrency: number): QueueItem[] {
  const free = Math.max(0, concurrency - countActive(state));
  return state.items.filter((item) => item.status === "waiting").slice(0, free);
}

/** True while leaving the page would lose work. */
export function hasPendingWork(state: QueueState): boolean {
  return state.items.some((item) => item.status === "waiting" || item.status === "paused" || ACTIVE_STATUSES.includes(item.status));
}

/** A whole number in 1..MAX_CONCURRENCY; anything unreadable falls back to the default. */
export function clampConcurrency(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_CONCURRENCY;
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(value)));
}
