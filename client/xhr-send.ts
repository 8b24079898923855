/**
 * One request to storage from the browser with XMLHttpRequest, for the form POST, the presigned
 * PUT and a multipart part's PUT alike: XHR rather than fetch because only XHR reports upload progress
 * (`xhr.upload.onprogress`) in every browser, and `abort()` stops the transfer at once.
 * Browser-only; no React.
 */
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";

export type XhrSendOptions = {
  signal?: AbortSignal;
  /** Given only when the caller wants progress: a listener has its costs (PROGRESS_MIN_BYTES in client/post/post-transport.ts). */
  onUploadProgress?: (event: ProgressEvent) => void;
};

/** Storage's 2xx answer, for a caller that needs more than "it worked" (a part's ETag). */
export type XhrAnswer = {
  status: number;
  body: string;
  /** A response header, or null when absent or when the bucket's CORS does not expose it to the page. */
  header: (name: string) => string | null;
};

function abortError(): DOMException {
  return new DOMException("The upload was cancelled.", "AbortError");
}

/** Resolves with what `readAnswer` makes of storage's 2xx answer; rejects as the form below does, or with what `readAnswer` throws. */
export function sendWithXhr<T>(
  method: "POST" | "PUT",
  url: string,
  headers: Record<string, string>,
  body: XMLHttpRequestBodyInit,
  options: XhrSendOptions & { readAnswer: (answer: XhrAnswer) => T },
): Promise<T>;
/** Resolves on a 2xx; rejects with a StorageError (storage's answer, or none), or an AbortError on cancel. */
export function sendWithXhr(method: "POST" | "PUT", url: string, headers: Record<string, string>, body: XMLHttpRequestBodyInit, options?: XhrSendOptions): Promise<void>;
export function sendWithXhr<T>(
  method: "POST" | "PUT",
  url: string,
  headers: Record<string, string>,
  body: XMLHttpRequestBodyInit,
  options: XhrSendOptions & { readAnswer?: (answer: XhrAnswer) => T } = {},
): Promise<T | void> {
  const { signal, onUploadProgress, readAnswer } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (error: unknown, value?: T) => {
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(value);
    };
    const answered = () => {
      if (xhr.status < 200 || xhr.status >= 300) return settle(storageErrorFor(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
      if (!readAnswer) return settle(null);
      try {
        settle(null, readAnswer({ status: xhr.status, body: xhr.responseText, header: (name) => xhr.getResponseHeader(name) }));
      } catch (error) {
        settle(error);
      }
    };
    if (onUploadProgress) xhr.upload.onprogress = onUploadProgress;
    xhr.onload = answered;
    xhr.onerror = () => settle(storageUnreachable());
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.send(body);
  });
}
