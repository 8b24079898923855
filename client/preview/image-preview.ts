/**
 * Previews of images, made in a Web Worker (image-preview.worker.ts), one at a time. The header
 * is read here first (image-size.ts): a file whose bytes are not the image its type says, or too
 * big to decode, never reaches the worker. Browser-only; no React.
 */
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import { readImageSize } from "./image-size";
import { fitWithin, isDecodable } from "./preview-size";
import type { ImagePreviewAnswer, ImagePreviewRequest } from "./image-preview.worker";

type PreviewWorker = { post: (request: ImagePreviewRequest) => void; waiting: Map<number, (blob: Blob | null) => void> } | null;

let shared: PreviewWorker | undefined;
let nextId = 0;

/** The page's one preview worker, started on first use; null where workers are unavailable (it then makes no image previews). */
function previewWorker(): PreviewWorker {
  if (shared !== undefined) return shared;
  try {
    const worker = new Worker(new URL("./image-preview.worker.ts", import.meta.url), { type: "module" });
    const waiting = new Map<number, (blob: Blob | null) => void>();
    worker.onmessage = (event: MessageEvent<ImagePreviewAnswer>) => {
      waiting.get(event.data.id)?.(event.data.blob);
      waiting.delete(event.data.id);
    };
    worker.onerror = () => {
      // A worker that cannot load (bundler, CSP) means no image previews on this page, nothing worse.
      for (const answer of waiting.values()) answer(null);
      waiting.clear();
      shared = null;
    };
    shared = { post: (request) => worker.postMessage(request), waiting };
  } catch {
    shared = null;
  }
  return shared;
}

/** A preview of a JPEG, PNG or GIF at most PREVIEW_MAX_SIDE_PX on its longest side, or null. */
export async function makeImagePreview(file: Blob, type: string, signal: AbortSignal): Promise<Blob | null> {
  const size = await readImageSize(file, type);
  if (!size || !isDecodable(type, size, typeof ImageDecoder === "function") || signal.aborted) return null;
  const worker = previewWorker();
  if (!worker) return null;
  const id = nextId++;
  const { width, height } = fitWithin(size);
  return new Promise<Blob | null>((resolve) => {
    const onAbort = () => {
      // Dropped from the worker's queue if it has not started; its answer is ignored either way.
      worker.waiting.delete(id);
      worker.post({ id, cancel: true });
      resolve(null);
    };
    worker.waiting.set(id, (blob) => {
      signal.removeEventListener("abort", onAbort);
      resolve(blob);
    });
    signal.addEventListener("abort", onAbort, { once: true });
    worker.post({ id, file, type, width, height, maxBytes: PREVIEW_MAX_BYTES });
  });
}
