/**
 * An EXIF Orientation tag written into a JPEG, as a phone camera stores a picture taken sideways:
 * the pixels stay as the sensor read them and the APP1 segment says how to turn them. The
 * segment is a fixed, tiny TIFF structure (one IFD with one entry), written by hand so the
 * real-media folders (write-media.ts) need no image library. Pure.
 */

/** TIFF tag 0x0112: 1 is upright, 3 upside down, 6 and 8 a quarter turn, 2/4/5/7 mirrored. */
const ORIENTATION_TAG = 0x0112;
/** TIFF field type SHORT (two bytes). */
const TIFF_SHORT = 3;
const SOI = [0xff, 0xd8];

/** APP1 "Exif\0\0" with a big-endian TIFF header whose IFD0 holds only the Orientation entry. */
export function exifOrientationSegment(orientation: number): Uint8Array {
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) throw new RangeError(`EXIF orientation ${orientation} is not 1-8`);
  const body = [
    ...[0x45, 0x78, 0x69, 0x66, 0, 0], // "Exif\0\0"
    ...[0x4d, 0x4d, 0, 42, 0, 0, 0, 8], // "MM", 42, IFD0 right after this 8-byte header
    ...[0, 1], // one entry
    ...[ORIENTATION_TAG >> 8, ORIENTATION_TAG & 0xff, 0, TIFF_SHORT, 0, 0, 0, 1, 0, orientation, 0, 0],
    ...[0, 0, 0, 0], // no IFD1
  ];
  const length = body.length + 2; // the length field counts itself
  return new Uint8Array([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

/**
 * `jpeg` with the Orientation segment inserted after its SOI, and after a JFIF APP0 if there is
 * one (which must come first), as cameras that write both do.
 */
export function withExifOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  if (jpeg[0] !== SOI[0] || jpeg[1] !== SOI[1]) throw new Error("not a JPEG: no SOI marker");
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4]! << 8) | jpeg[5]!);
  const segment = exifOrientationSegment(orientation);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at));
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
}
