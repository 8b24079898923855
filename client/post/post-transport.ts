/**
 * Sends one file from the browser to S3 with a signed form POST, by XMLHttpRequest
 * (client/xhr-send.ts: upload progress, and an abort that stops the transfer at once).
 * Browser-only; no React.
 */
import { sendWithXhr } from "@/client/xhr-send";
import { KIB } from "@/lib/units";
import type { PostUploadTarget } from "@/lib/contracts/upload-schemas";

/**
 * Files smaller than this are sent without an upload progress listener: they leave in a burst
 * (at 1 Mbit/s, about a second) and their bar goes from 0 to 100% when storage answers. A listener
 * costs the renderer progress messages per request and, cross-origin, makes the browser send a
 * CORS preflight first (the XHR spec's "upload listener flag").
 */
export const PROGRESS_MIN_BYTES = 128 * KIB;

/** Whether a POST of `size` bytes listens for upload progress. */
export function reportsProgress(size: number): boolean {
  return size >= PROGRESS_MIN_BYTES;
}

export type TransferOptions = {
  signal?: AbortSignal;
  /** Bytes of the file sent so far (the form fields around it are not counted); only for files of PROGRESS_MIN_BYTES or more. */
  onProgress?: (loaded: number) => void;
};

/** How a form POST reaches storage: postToStorage (XHR) in the page, a fetch in the CLI. */
export type PostTransport = (target: PostUploadTarget, file: Blob, options?: TransferOptions) => Promise<void>;

/** Resolves when S3 has stored the object; rejects with a StorageError, or an AbortError on cancel. */
export function postToStorage(target: PostUploadTarget, file: Blob, options: TransferOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const form = new FormData();
  for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
  // S3 ignores every field after `file`, so the policy fields go first.
  form.append("file", file);
  // The multipart body is the fields, then the file, then a closing boundary: count file bytes only.
  const onUploadProgress =
    onProgress && reportsProgress(file.size)
      ? (event: ProgressEvent) => {
          if (event.lengthComputable) onProgress(Math.min(file.size, Math.max(0, event.loaded - (event.total - file.size))));
        }
      : undefined;
  return sendWithXhr("POST", target.url, {}, form, { signal, onUploadProgress });
}
