/**
 * Images that are only their headers (PNG IHDR, GIF screen descriptor, JPEG segments with EXIF and
 * a frame header), byte for byte, for the tests of what the page reads of an image before it
 * decodes anything (client/preview/image-size.ts, image-preview.ts). No pixels: nothing decodes them.
 */

export const u16 = (n: number) => [n >> 8, n & 0xff];
export const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
export const blob = (...parts: number[][]) => new Blob([new Uint8Array(parts.flat())]);

export const png = (width: number, height: number) => blob([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32(13), [0x49, 0x48, 0x44, 0x52], u32(width), u32(height), [8, 6, 0, 0, 0]);
export const gif = (width: number, height: number, version = "89a") =>
  blob([..."GIF"].map((c) => c.charCodeAt(0)), [...version].map((c) => c.charCodeAt(0)), [width & 0xff, width >> 8, height & 0xff, height >> 8], [0, 0, 0]);

/** A segment: marker, then a length that counts itself. */
export const segment = (marker: number, body: number[]) => [0xff, marker, ...u16(body.length + 2), ...body];
export const sof = (marker: number, width: number, height: number) => segment(marker, [8, ...u16(height), ...u16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
/** "Exif\0\0" and a big-endian TIFF header whose IFD0 holds one Orientation entry. */
export const exif = (orientation: number, order: "MM" | "II" = "MM") => {
  const le = order === "II";
  const w16 = (n: number) => (le ? u16(n).reverse() : u16(n));
  const w32 = (n: number) => (le ? u32(n).reverse() : u32(n));
  return segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, ...[...order].map((c) => c.charCodeAt(0)), ...w16(42), ...w32(8), ...w16(1), ...w16(0x0112), ...w16(3), ...w32(1), ...w16(orientation), 0, 0, ...w32(0)]);
};
export const jpeg = (...segments: number[][]) => blob([0xff, 0xd8], ...segments, [0xff, 0xda, 0, 2], [1, 2, 3]);
export const app0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
