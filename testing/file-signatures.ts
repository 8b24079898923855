/**
 * Leading bytes that make generated test files what their names say. The content check at
 * complete rejects random bytes that happen to look like another format (MP3 frames, say).
 */
export const MP4_FTYP_HEADER = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypmp42"), Buffer.alloc(4), Buffer.from("mp42isom")]);
/** The 8-byte PNG signature; the content check refuses a declared PNG that does not start with it. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const GIF_SIGNATURE = Buffer.from("GIF89a");

/** `size` bytes of `fill` that start with `signature` (cut short if `size` is smaller), as the content check wants them. */
export function startingWith(signature: Uint8Array, size: number, fill = 0): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(signature.subarray(0, size));
  return bytes;
}
