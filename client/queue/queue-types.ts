/**
 * The upload queue's shapes, apart from the code that reads and writes them, so the reducer, its
 * running totals and the progress math all depend on these and never on one another.
 */
import type { ClientErrorCode } from "@/lib/contracts/errors";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import type { UploadCandidate } from "@/lib/upload-rules";

export type UploadStatus = "waiting" | "uploading" | "paused" | "verifying" | "done" | "failed" | "cancelled" | "rejected";

/** Why a row failed or was rejected: a code the server answers, or one only the client names (lib/contracts/errors.ts). */
export type FailureCode = ClientErrorCode;

export type SpeedSample = {
  /** Smoothed bytes per second; null until two samples are apart in time. */
  bytesPerSecond: number | null;
  lastLoaded: number;
  lastAt: number;
};

export type QueueSummary = {
  counts: Readonly<Record<UploadStatus, number>>;
  /** Multipart uploads sending bytes: what "Pause all" would pause. */
  pausable: number;
  /** Bytes sent and bytes in all, over the rows meant to arrive (not rejected, not cancelled). */
  loaded: number;
  size: number;
};

export type QueueItem = UploadCandidate & {
  /** Client-side identity; the file item's id arrives later with `created`. */
  key: string;
  /** The folder it came from (`Holiday/Day 1`, client/files/folder-path.ts), sent with its create; absent for a loose file. */
  path?: string;
  status: UploadStatus;
  /** The id of the file item (the stored record) this queue item is sent to, once the server made it. */
  fileItemId: string | null;
  /** Multipart uploads can pause and resume; a single POST can only restart. */
  resumable: boolean;
  loaded: number;
  speed: SpeedSample | null;
  /** Times the file was sent again on its own after a transient failure, since it last started. */
  retries: number;
  /** The code, and the server's (or storage's, or the rules') own message; the UI words it. */
  error: { code: FailureCode; message: string } | null;
  file: FileItemJson | null;
};

export type QueueState = {
  readonly items: readonly QueueItem[];
  /** Where each key sits in `items`. */
  readonly positions: ReadonlyMap<string, number>;
  readonly summary: QueueSummary;
  /** No waiting row sits before this position (it may equal items.length). */
  readonly firstWaiting: number;
};
