/**
 * A preview of an image: its header is read here first (image-size.ts), so a file whose bytes are
 * not the image its type says, or too big to decode, never reaches a worker; then it waits for room
 * in the decode budget (decode-budget.ts) and is shrunk by one of the pool's workers
 * (image-workers.ts). Browser-only; no React.
 */
import { PREVIEW_MAX_BYTES } from "@/lib/contracts/preview-schemas";
import type { DecodeBudget } from "./decode-budget";
import { readImageSize } from "./image-size";
import type { ImageWorkerPool } from "./image-workers";
import { UNDECODABLE, type MadePreview } from "./made-preview";
import { decodeCostBytes, fitWithin, isDecodable } from "./preview-size";

export type ImageDecoding = { workers: ImageWorkerPool; budget: DecodeBudget };

/**
 * A preview of a JPEG, PNG or GIF at most PREVIEW_MAX_SIDE_PX on its longest side; UNDECODABLE when
 * no browser will make one of these bytes (not the image their type says, past what the page
 * decodes even scaled down, or the worker's decode threw); null when none was made this time.
 */
export async function makeImagePreview(file: Blob, type: string, signal: AbortSignal, { workers, budget }: ImageDecoding): Promise<MadePreview> {
  const size = await readImageSize(file, type);
  if (!size || !isDecodable(type, size, true)) return UNDECODABLE;
  // Past only what this browser decodes (no ImageDecoder): one that has it may make the preview.
  const scaledDecode = typeof ImageDecoder === "function";
  if (!isDecodable(type, size, scaledDecode) || signal.aborted) return null;
  const cost = decodeCostBytes(type, size, scaledDecode);
  const release = await budget.acquire(cost, signal);
  try {
    return await workers.run({ file, type, ...fitWithin(size), maxBytes: PREVIEW_MAX_BYTES }, signal, cost);
  } finally {
    release();
  }
}
