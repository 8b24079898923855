import { PREVIEW_MAX_SIDE_PX } from "@/lib/contracts/preview-schemas";
import type { ImageSize } from "./image-size";

/**
 * Largest picture the page decodes for a preview, in pixels. With WebCodecs' ImageDecoder a JPEG
 * is decoded scaled down inside libjpeg (to 1/8 at most), so a 100-megapixel photo costs about
 * 6 MiB; 100 MP covers every camera sold today. Everything else (PNG, GIF, or any image where
 * ImageDecoder is missing) is decoded whole at 4 bytes a pixel before it is shrunk: 40 MP, an 8K
 * screenshot with room to spare, is a transient ~160 MiB. Past these the file gets no preview.
 */
export const SCALED_DECODE_MAX_PIXELS = 100_000_000;
export const FULL_DECODE_MAX_PIXELS = 40_000_000;

/** The preview's size: the longest side at most PREVIEW_MAX_SIDE_PX, the aspect kept, never bigger than the source, at least 1 px. */
export function fitWithin({ width, height }: ImageSize, maxSide = PREVIEW_MAX_SIDE_PX): ImageSize {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether an image of this type and size may be decoded for a preview; `scaledDecode`: ImageDecoder is available. */
export function isDecodable(type: string, { width, height }: ImageSize, scaledDecode: boolean): boolean {
  const cap = scaledDecode && type === "image/jpeg" ? SCALED_DECODE_MAX_PIXELS : FULL_DECODE_MAX_PIXELS;
  return width * height <= cap;
}

/** libjpeg's smallest scaled decode is 1/8 of each side. */
const MAX_JPEG_SCALE_DOWN = 8;

/**
 * About how many bytes decoding this image for its preview holds (4 a pixel), for the decode
 * budget (decode-budget.ts): a JPEG with ImageDecoder is decoded scaled down by the largest power
 * of two (up to 1/8) that keeps it at least PREVIEW_MAX_SIDE_PX; anything else is decoded whole.
 */
export function decodeCostBytes(type: string, { width, height }: ImageSize, scaledDecode: boolean): number {
  const whole = width * height * 4;
  if (!scaledDecode || type !== "image/jpeg") return whole;
  const room = Math.max(1, Math.max(width, height) / PREVIEW_MAX_SIDE_PX);
  const scale = Math.min(MAX_JPEG_SCALE_DOWN, 2 ** Math.floor(Math.log2(room)));
  return Math.ceil(whole / (scale * scale));
}
