/**
 * PUTs one part to its presigned UploadPart URL with XMLHttpRequest (client/xhr-send.ts: upload
 * progress, abort), reading the ETag the complete names it by. Browser-only; no React. The CRC32 header, when the upload's parts carry one, must match the one
 * signed into the URL. Fails with a StorageError, as the POST does.
 */
import { StorageError, storageErrorFor } from "@/client/storage-error";
import { sendWithXhr } from "@/client/xhr-send";

/** How a part reaches storage: putPart (XHR) in the page, a fetch in the CLI; `checksumCRC32` null for an upload whose parts carry none. */
export type PartTransport = (
  url: string,
  body: Blob,
  checksumCRC32: string | null,
  options: { signal: AbortSignal; onProgress: (loaded: number) => void },
) => Promise<{ etag: string }>;

/** Resolves with the part's ETag; rejects as sendWithXhr does, or when the ETag can't be read. */
export function putPart(
  url: string,
  body: Blob,
  checksumCRC32: string | null,
  options: { signal: AbortSignal; onProgress: (loaded: number) => void },
): Promise<{ etag: string }> {
  const headers: Record<string, string> = checksumCRC32 ? { "x-amz-checksum-crc32": checksumCRC32 } : {};
  return sendWithXhr("PUT", url, headers, body, {
    signal: options.signal,
    onUploadProgress: (event) => options.onProgress(event.loaded),
    readAnswer: ({ status, body: text, header }) => {
      const etag = header("ETag");
      if (etag) return { etag };
      // A 200 without a readable ETag means the bucket's CORS does not expose it: not retryable.
      throw status === 200 ? missingEtag() : storageErrorFor(status, text, header("Retry-After"));
    },
  });
}

/** Storage stored the part but its ETag cannot be read (the bucket's CORS does not expose it): retrying won't help. */
export function missingEtag(): StorageError {
  return new StorageError("storage_refused", "Storage answered without an ETag this page can read (the bucket's CORS must expose it).", 403);
}
