/**
 * Sends one file from the browser to S3 with a signed form POST. XMLHttpRequest rather than
 * fetch: only XHR reports upload progress (`xhr.upload.onprogress`) in every browser, and
 * `abort()` stops the transfer at once. Browser-only; no React.
 */
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";
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

function abortError(): DOMException {
  return new DOMException("The upload was cancelled.", "AbortError");
}

/** How a form POST reaches storage: postToStorage (XHR) in the page, a fetch in the CLI. */
export type PostTransport = (target: PostUploadTarget, file: Blob, options?: TransferOptions) => Promise<void>;

/** Resolves when S3 has stored the object; rejects with a StorageError, or an AbortError on cancel. */
export function postToStorage(target: PostUploadTarget, file: Blob, options: TransferOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    // S3 ignores every field after `file`, so the policy fields go first.
    form.append("file", file);

    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (error: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    if (onProgress && reportsProgress(file.size)) {
      xhr.upload.onprogress = (event) => {
        // The multipart body is the fields, then the file, then a closing boundary: count file bytes only.
        if (event.lengthComputable) onProgress(Math.min(file.size, Math.max(0, event.loaded - (event.total - file.size))));
      };
    }
    xhr.onload = () =>
      settle(xhr.status >= 200 && xhr.status < 300 ? null : storageErrorFor(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
    xhr.onerror = () => settle(storageUnreachable());
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.open("POST", target.url);
    xhr.send(form);
  });
}
