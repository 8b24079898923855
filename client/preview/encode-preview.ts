// Types only: the worker bundles this file, and the contracts module would bring zod along.
import type { PreviewType } from "@/lib/contracts/preview-schemas";

/** WebP first (smaller at the same quality); JPEG where the browser cannot encode WebP (Safari). */
const ENCODINGS: readonly PreviewType[] = ["image/webp", "image/jpeg"];
/** ~0.7 gives ~10-25 KiB at 320 px; a busy picture over the limit gets one try at the lower. */
export const PREVIEW_QUALITIES = [0.7, 0.4] as const;

/**
 * The canvas as a preview: WebP (or JPEG) at PREVIEW_QUALITIES, the first that fits within
 * `maxBytes` (PREVIEW_MAX_BYTES), else null (the type is not tried again in JPEG). A browser that cannot encode a type answers PNG instead (the
 * spec's fallback), which is how an unsupported WebP is noticed. JPEG has no alpha, so it is
 * drawn over white first (a transparent PNG would otherwise turn black).
 */
export async function encodePreview(canvas: OffscreenCanvas, maxBytes: number): Promise<Blob | null> {
  for (const type of ENCODINGS) {
    const source = type === "image/jpeg" ? onWhite(canvas) : canvas;
    for (const [i, quality] of PREVIEW_QUALITIES.entries()) {
      const blob = await source.convertToBlob({ type, quality });
      if (blob.type !== type) break;
      if (blob.size > 0 && blob.size <= maxBytes) return blob;
      // This type is encoded but too big even at the lower quality: no preview.
      if (i === PREVIEW_QUALITIES.length - 1) return null;
    }
  }
  return null;
}

function onWhite(canvas: OffscreenCanvas): OffscreenCanvas {
  const flat = new OffscreenCanvas(canvas.width, canvas.height);
  const context = flat.getContext("2d");
  if (!context) return canvas;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, flat.width, flat.height);
  context.drawImage(canvas, 0, 0);
  return flat;
}
