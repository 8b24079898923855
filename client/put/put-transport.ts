/**
 * Sends one small file (or a preview) from the browser to S3 with its presigned PUT. XMLHttpRequest
 * rather than fetch, as for the form POST (client/post/post-transport.ts): upload progress and an
 * abort that stops the transfer at once. The headers are the ones the URL signs, sent exactly;
 * Content-Length is the body's. Browser-only; no React.
 */
import { reportsProgress, type TransferOptions } from "@/client/post/post-transport";
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";
import type { PutUploadTarget } from "@/lib/contracts/upload-schemas";

function abortError(): DOMException {
  return new DOMException("The upload was cancelled.", "AbortError");
}

/** How a presigned PUT reaches storage: putToStorage (XHR) in the page, a fetch in the CLI. */
export type PutTransport = (target: PutUploadTarget, file: Blob, options?: TransferOptions) => Promise<void>;

/** Resolves when S3 has stored the object; rejects with a StorageError (412 when something is already at a write-once key), or an AbortError on cancel. */
export function putToStorage(target: PutUploadTarget, file: Blob, options: TransferOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (error: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    // The signed headers make every PUT preflighted anyway, so only the renderer's cost decides.
    if (onProgress && reportsProgress(file.size)) {
      xhr.upload.onprogress = (event) => onProgress(Math.min(file.size, event.loaded));
    }
    xhr.onload = () =>
      settle(xhr.status >= 200 && xhr.status < 300 ? null : storageErrorFor(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
    xhr.onerror = () => settle(storageUnreachable());
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.open("PUT", target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.send(file);
  });
}
