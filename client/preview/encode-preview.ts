// Types only: the worker bundles this file, and the contracts module would bring zod along.
import type { PreviewType } from "@/lib/contracts/preview-schemas";

/**
 * Sources without an alpha channel (a JPEG photo, a video's frame) are encoded as JPEG alone: timed
 * alone in Chromium, a 320-px preview takes 6.5 ms to encode as WebP and 1.1 ms as JPEG
 * (docs/benchmarks.md), and with the decode the floor of a preview's cost, those ~5 ms of CPU each
 * are what previews give back to the uploads they share a 2-core machine with. JPEG needs no
 * fallback (every browser encodes it) and no white underneath (nothing is transparent). Sources
 * that may have alpha (PNG, GIF, anything else) keep WebP first, which keeps the transparency,
 * and JPEG drawn over white where the browser cannot encode WebP (Safari).
 */
const OPAQUE_ENCODINGS: readonly PreviewType[] = ["image/jpeg"];
const ALPHA_ENCODINGS: readonly PreviewType[] = ["image/webp", "image/jpeg"];

/**
 * Whether a preview's source (its MIME type) has no alpha channel: JPEG has none, and a
 * video's poster frame is drawn over white (video-preview.ts), so whatever the codec it is opaque.
 * The one copy of the rule; callers pass the source's type.
 */
export function isOpaqueSource(sourceType: string): boolean {
  const type = sourceType.trim().toLowerCase();
  return type === "image/jpeg" || type.startsWith("video/");
}

/**
 * ~0.7 gives ~10-25 KiB at 320 px; a busy picture over the limit gets one try at the lower. JPEG
 * starts at 0.7 too: in Chromium a busy photo-like picture (gradient, shapes, per-pixel noise) is
 * 29 KiB at 320 × 240 and 38 KiB at 320 × 320 as JPEG at 0.7 (WebP: 31 and 40), and even pure RGB
 * noise at 320 × 320 is 53 KiB, within PREVIEW_MAX_BYTES (64 KiB), so 0.7 fits as the first try
 * for both types.
 */
export const PREVIEW_QUALITIES = [0.7, 0.4] as const;

/**
 * The canvas as a preview of a source of type `sourceType` (isOpaqueSource: JPEG, else WebP or
 * JPEG) at PREVIEW_QUALITIES, the first that fits within `maxBytes` (PREVIEW_MAX_BYTES), else null
 * (a type encoded but too big is not tried again as another). A browser that cannot encode a type
 * answers PNG instead (the spec's fallback), which is how an unsupported WebP is noticed. JPEG has
 * no alpha, so a source that may have it is drawn over white first (a transparent PNG would
 * otherwise turn black).
 */
export async function encodePreview(canvas: OffscreenCanvas, sourceType: string, maxBytes: number): Promise<Blob | null> {
  const opaque = isOpaqueSource(sourceType);
  for (const type of opaque ? OPAQUE_ENCODINGS : ALPHA_ENCODINGS) {
    const source = type === "image/jpeg" && !opaque ? onWhite(canvas) : canvas;
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
