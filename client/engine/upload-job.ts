/**
 * The one interface every upload strategy implements (Uppy's per-file uploader): given a file and
 * the file item the server made for it, send the bytes the strategy's way and answer the stored file.
 * The engine (upload-engine.ts) knows only this; strategies.ts says which job runs which
 * `upload.strategy`, so a new strategy is one module and one line there.
 */
import type { UploadApi } from "@/client/api/upload-api";
import type { ConnectionPool } from "@/client/connection-pool";
import type { PartTransport } from "@/client/multipart/part-transport";
import type { ResumeStore } from "@/client/multipart/resume-store";
import type { PostTransport } from "@/client/post/post-transport";
import type { PutTransport } from "@/client/put/put-transport";
import type { Tracer } from "@/client/tracer";
import type { CreateUploadBody, FileItemJson, UploadTarget } from "@/lib/contracts/upload-schemas";

export type UploadStrategy = UploadTarget["strategy"];
export type TargetOf<S extends UploadStrategy> = Extract<UploadTarget, { strategy: S }>;
export type StoredPart = { partNumber: number; etag: string };

/** What the engine reaches beyond our API: storage, and the resume records of unfinished uploads. */
export type EngineTransport = {
  post: PostTransport;
  /** A small file's presigned PUT (stores without POST Object). */
  putFile: PutTransport;
  /** A multipart upload's part. */
  put: PartTransport;
  /** CRC32 of a part, or of a small file that goes by PUT; by default hashed in a Web Worker. */
  hash?: (blob: Blob) => Promise<string>;
  resume: ResumeStore;
};

/** What a job shares with every other file's: our API, storage's connections, the transports, the benchmark's tracer. */
export type JobDeps = { api: UploadApi; pool: ConnectionPool; transport: EngineTransport; tracer?: Tracer };

/** A job that can stop sending and go on later (a multipart upload's parts); others never offer one. */
export type JobControl = { pause(): void; resume(): void };

/** How a job tells the engine what became of its file; each maps to one queue action. */
export type JobEvents = {
  /** The file item the server made for the file (again when it is renewed); `resumable` with the bytes already stored when the job can pause. */
  created(fileItemId: string, resumable?: { loaded: number }): void;
  progress(loaded: number): void;
  /** The file is sent again from zero after a transient failure. */
  retrying(): void;
  /** Its bytes are stored and the server checks them: the file's slot is free from now on. */
  verifying(): void;
  /** The job can be paused from now on. */
  pausable(control: JobControl): void;
};

export type JobInput<S extends UploadStrategy> = {
  file: File;
  /** The create request's body (no idempotency key; the file's hash when it carries one, create-checksums.ts): a job that needs a new file item, say for an expired policy, asks with it. */
  body: CreateUploadBody;
  fileItem: FileItemJson;
  upload: TargetOf<S>;
  /** Parts the server already holds, for an upload resumed after a reload or a Retry. */
  stored: StoredPart[];
  signal: AbortSignal;
  /** When asking for the file item began (client/tracer.ts clock), for the strategy's own span. */
  fileItemAskedAt: number;
  events: JobEvents;
  /** Tells the server to drop a file item, best effort; signing out waits for these. */
  release(id: string): void;
};

/**
 * Sends one file and resolves with the stored file. On failure it rejects and leaves the file item
 * as its strategy needs: released when it cannot be used again, kept when a Retry can go on from it.
 * A cancel aborts `signal`; the engine then releases the file item itself.
 */
export type UploadJob<S extends UploadStrategy> = (deps: JobDeps, input: JobInput<S>) => Promise<FileItemJson>;
