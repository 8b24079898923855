/**
 * One request to storage from the browser with XMLHttpRequest, for the form POST and the presigned
 * PUT alike: XHR rather than fetch because only XHR reports upload progress
 * (`xhr.upload.onprogress`) in every browser, and `abort()` stops the transfer at once.
 * Browser-only; no React.
 */
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";

export type XhrSendOptions = {
  signal?: AbortSignal;
  /** Given only when the caller wants progress: a listener has its costs (PROGRESS_MIN_BYTES in client/post/post-transport.ts). */
  onUploadProgress?: (event: ProgressEvent) => void;
};

function abortError(): DOMException {
  return new DOMException("The upload was cancelled.", "AbortError");
}

/** Resolves on a 2xx; rejects with a StorageError (storage's answer, or none), or an AbortError on cancel. */
export function sendWithXhr(method: "POST" | "PUT", url: string, headers: Record<string, string>, body: XMLHttpRequestBodyInit, options: XhrSendOptions = {}): Promise<void> {
  const { signal, onUploadProgress } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (error: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    if (onUploadProgress) xhr.upload.onprogress = onUploadProgress;
    xhr.onload = () =>
      settle(xhr.status >= 200 && xhr.status < 300 ? null : storageErrorFor(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
    xhr.onerror = () => settle(storageUnreachable());
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.send(body);
  });
}
