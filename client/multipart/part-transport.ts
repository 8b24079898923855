/**
 * PUTs one part to its presigned UploadPart URL with XMLHttpRequest (upload progress, abort).
 * Browser-only; no React. The CRC32 header, when the upload's parts carry one, must match the one
 * signed into the URL. Fails with a StorageError, as the POST does.
 */
import { StorageError, storageErrorFor, storageUnreachable } from "@/client/storage-error";

/** How a part reaches storage: putPart (XHR) in the page, a fetch in the CLI; `checksumCRC32` null for an upload whose parts carry none. */
export type PartTransport = (
  url: string,
  body: Blob,
  checksumCRC32: string | null,
  options: { signal: AbortSignal; onProgress: (loaded: number) => void },
) => Promise<{ etag: string }>;

export function putPart(
  url: string,
  body: Blob,
  checksumCRC32: string | null,
  options: { signal: AbortSignal; onProgress: (loaded: number) => void },
): Promise<{ etag: string }> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(new DOMException("Aborted", "AbortError"));
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (error: Error | null, etag?: string) => {
      options.signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve({ etag: etag! });
    };
    xhr.upload.onprogress = (event) => options.onProgress(event.loaded);
    xhr.onload = () => {
      const etag = xhr.getResponseHeader("ETag");
      if (xhr.status >= 200 && xhr.status < 300 && etag) return settle(null, etag);
      // A 200 without a readable ETag means the bucket's CORS does not expose it: not retryable.
      settle(xhr.status === 200 ? missingEtag() : storageErrorFor(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
    };
    xhr.onerror = () => settle(storageUnreachable());
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle(new DOMException("Aborted", "AbortError"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    xhr.open("PUT", url);
    if (checksumCRC32) xhr.setRequestHeader("x-amz-checksum-crc32", checksumCRC32);
    xhr.send(body);
  });
}

/** Storage stored the part but its ETag cannot be read (the bucket's CORS does not expose it): retrying won't help. */
export function missingEtag(): StorageError {
  return new StorageError("storage_refused", "Storage answered without an ETag this page can read (the bucket's CORS must expose it).", 403);
}
