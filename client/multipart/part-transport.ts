/**
 * PUTs one part to its presigned UploadPart URL with XMLHttpRequest (upload progress, abort).
 * Browser-only; no React. The CRC32 header must match the one signed into the URL.
 */
export class PartTransferError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
  ) {
    super(status === 0 ? "The connection to storage failed." : `Storage answered ${status}.`);
    this.name = "PartTransferError";
  }
}

export function putPart(
  url: string,
  body: Blob,
  checksumCRC32: string,
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
      settle(new PartTransferError(xhr.status === 200 ? 403 : xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
    };
    xhr.onerror = () => settle(new PartTransferError(0, "", null));
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => settle(new DOMException("Aborted", "AbortError"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    xhr.open("PUT", url);
    xhr.setRequestHeader("x-amz-checksum-crc32", checksumCRC32);
    xhr.send(body);
  });
}
