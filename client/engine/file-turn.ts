/**
 * One file's turn, from its start to its stored file: its file item (the unfinished upload it
 * resumes, the one made ahead, or one asked for now), then the job of
 * the strategy the server chose (strategies.ts), whose news becomes queue actions. It knows no
 * strategy and holds no state of its own: the engine (upload-engine.ts) gives it what it reaches.
 */
import { ApiError } from "@/client/api/api-error";
import type { UploadApi } from "@/client/api/upload-api";
import type { ConnectionPool } from "@/client/connection-pool";
import { PartFailedError } from "@/client/multipart/part-failed-error";
import type { FailureCode, QueueAction, QueueItem, UploadStatus } from "@/client/queue/upload-queue";
import { StorageError } from "@/client/storage-error";
import { traceClock, type Tracer } from "@/client/tracer";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import type { PendingReleases } from "./pending-releases";
import { bodyOf, type FileItemsAhead } from "./file-items-ahead";
import type { ResumeLookup } from "./resume-lookup";
import type { ActiveJob } from "./scheduler";
import { runUploadJob } from "./strategies";
import type { EngineTransport, JobEvents, StoredPart } from "./upload-job";

export type TurnDeps = {
  api: UploadApi;
  pool: ConnectionPool;
  transport: EngineTransport;
  tracer?: Tracer;
  fileItemsAhead: FileItemsAhead;
  resumes: ResumeLookup;
  releases: PendingReleases;
  dispatch: (action: QueueAction) => boolean;
  statusOf: (key: string) => UploadStatus | undefined;
};

/** The code and the server's (or storage's) own message; the UI words it (components/upload/failure-message.ts). */
export function failureOf(err: unknown): { code: FailureCode; message: string } {
  if (err instanceof ApiError || err instanceof StorageError || err instanceof PartFailedError) return { code: err.code, message: err.message };
  return { code: "internal", message: err instanceof Error ? err.message : String(err) };
}

/** How a job's news reaches the queue. */
function eventsFor(deps: TurnDeps, key: string, job: ActiveJob): JobEvents {
  const { dispatch } = deps;
  return {
    created: (fileItemId, resumable) => {
      job.fileItemId = fileItemId;
      dispatch(resumable ? { type: "created", key, fileItemId, resumable: true, loaded: resumable.loaded } : { type: "created", key, fileItemId });
    },
    progress: (loaded) => void dispatch({ type: "progress", key, loaded, at: performance.now() }),
    retrying: () => void dispatch({ type: "retrying", key, at: performance.now() }),
    verifying: () => void dispatch({ type: "verifying", key }),
    pausable: (control) => {
      job.control = control;
      // Paused before the job could pause (while its resume record was being saved).
      if (deps.statusOf(key) === "paused") control.pause();
    },
  };
}

/**
 * The file item the file is sent with: the unfinished upload it resumes, else one made ahead or
 * asked for now; and the create body a job asks with again (with the file's checksum where it goes by PUT).
 */
async function fileItemOf(deps: TurnDeps, item: QueueItem, file: File, signal: AbortSignal) {
  // The same file picked again after a reload (or retried) resumes its unfinished upload.
  const resumed = await deps.resumes.find(file);
  if (resumed) {
    deps.fileItemsAhead.discard(item.key);
    return { ...resumed, body: bodyOf(item) };
  }
  const { file: fileItem, upload, body } = await deps.fileItemsAhead.fileItemFor(item.key, bodyOf(item), signal);
  return { fileItem, upload, body, stored: [] as StoredPart[] };
}

/**
 * Sends the file and resolves with the stored file, or null when it was cancelled meanwhile;
 * rejects with what failed it. Once stored, the caller marks the row done.
 */
export async function sendFile(deps: TurnDeps, item: QueueItem, file: File, job: ActiveJob): Promise<FileItemJson | null> {
  const { signal } = job.controller;
  const { api, pool, transport, tracer, releases } = deps;
  const fileItemAskedAt = traceClock(tracer);
  const { fileItem, upload, stored, body } = await fileItemOf(deps, item, file, signal);
  if (signal.aborted) {
    // Cancelled while the server was signing: nobody else knows this id, so release it here.
    releases.release(fileItem.id);
    return null;
  }
  job.fileItemId = fileItem.id;
  const release = (id: string) => releases.release(id);
  const events = eventsFor(deps, item.key, job);
  return runUploadJob({ api, pool, transport, tracer }, { file, body, fileItem, upload, stored, signal, fileItemAskedAt, events, release });
}
