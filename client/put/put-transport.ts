/**
 * Sends one small file (or a preview) from the browser to S3 with its presigned PUT, by
 * XMLHttpRequest as the form POST is (client/xhr-send.ts). The headers are the ones the URL signs,
 * sent exactly; Content-Length is the body's. Browser-only; no React.
 */
import { reportsProgress, type TransferOptions } from "@/client/post/post-transport";
import { sendWithXhr } from "@/client/xhr-send";
import type { PutUploadTarget } from "@/lib/contracts/upload-schemas";

/** How a presigned PUT reaches storage: putToStorage (XHR) in the page, a fetch in the CLI. */
export type PutTransport = (target: PutUploadTarget, file: Blob, options?: TransferOptions) => Promise<void>;

/** Resolves when S3 has stored the object; rejects with a StorageError (412 when something is already at a write-once key), or an AbortError on cancel. */
export function putToStorage(target: PutUploadTarget, file: Blob, options: TransferOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  // The signed headers make every PUT preflighted anyway, so only the renderer's cost decides.
  const onUploadProgress = onProgress && reportsProgress(file.size) ? (event: ProgressEvent) => onProgress(Math.min(file.size, event.loaded)) : undefined;
  return sendWithXhr("PUT", target.url, target.headers, file, { signal, onUploadProgress });
}
