/**
 * An image's width and height from its first bytes (PNG IHDR, GIF screen descriptor, JPEG SOF and
 * EXIF orientation), without decoding it: the preview decides whether and how small to decode
 * before it asks the browser for a single pixel. Null when the bytes are not the image they claim.
 * Pure but for Blob reads; works in browsers, workers and Node.
 */

export type ImageSize = { width: number; height: number };

/** JPEG segments walked before giving up on finding the frame header (EXIF, ICC, XMP come first). */
const MAX_JPEG_SEGMENTS = 64;

/**
 * Reads go to the Blob in chunks of this size, each read once: a photo's header (EXIF, ICC, then
 * the frame header, walked segment by segment) costs a Blob read, which crosses to the browser
 * process, per chunk it touches (one or two) instead of one per segment. Small, because the
 * common case reads only the start of the file.
 */
const CHUNK_BYTES = 16 * 1024;

/** Reads of one Blob, served from the CHUNK_BYTES chunks that cover them, each read once. */
class BlobReader {
  private readonly chunks = new Map<number, Promise<Uint8Array>>();

  constructor(readonly blob: Blob) {}

  private chunk(index: number): Promise<Uint8Array> {
    let chunk = this.chunks.get(index);
    if (!chunk) {
      const start = index * CHUNK_BYTES;
      chunk = this.blob
        .slice(start, start + CHUNK_BYTES)
        .arrayBuffer()
        .then((buffer) => new Uint8Array(buffer));
      this.chunks.set(index, chunk);
    }
    return chunk;
  }

  /** `length` bytes from `offset`, fewer at the end of the Blob. */
  async bytesAt(offset: number, length: number): Promise<DataView> {
    const end = Math.min(offset + length, this.blob.size);
    if (end <= offset) return new DataView(new ArrayBuffer(0));
    const first = Math.floor(offset / CHUNK_BYTES);
    const last = Math.floor((end - 1) / CHUNK_BYTES);
    if (first === last) {
      const chunk = await this.chunk(first);
      const from = offset - first * CHUNK_BYTES;
      return new DataView(chunk.buffer, chunk.byteOffset + from, end - offset);
    }
    const out = new Uint8Array(end - offset);
    for (let index = first; index <= last; index++) {
      const chunk = await this.chunk(index);
      const chunkStart = index * CHUNK_BYTES;
      const from = Math.max(offset, chunkStart);
      const to = Math.min(end, chunkStart + chunk.length);
      out.set(chunk.subarray(from - chunkStart, to - chunkStart), from - offset);
    }
    return new DataView(out.buffer);
  }
}

function pngSize(view: DataView): ImageSize | null {
  // Signature (8), then the IHDR chunk: length (4), "IHDR", width (4), height (4), big-endian.
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (view.byteLength < 24 || signature.some((byte, i) => view.getUint8(i) !== byte)) return null;
  if (view.getUint32(12) !== 0x49484452) return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function gifSize(view: DataView): ImageSize | null {
  // "GIF87a" or "GIF89a", then the logical screen's width and height, little-endian.
  if (view.byteLength < 10) return null;
  const magic = String.fromCharCode(...Array.from({ length: 6 }, (_, i) => view.getUint8(i)));
  if (magic !== "GIF87a" && magic !== "GIF89a") return null;
  return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** EXIF orientations 5-8 turn the picture a quarter: the stored width is the shown height. */
export function exifTurnsQuarter(segment: DataView): boolean {
  // "Exif\0\0", then a TIFF header: byte order, 42, the offset of IFD0; tag 0x0112 is Orientation.
  if (segment.byteLength < 14 || segment.getUint32(0) !== 0x45786966 || segment.getUint16(4) !== 0) return false;
  const tiff = 6;
  const little = segment.getUint16(tiff) === 0x4949;
  const ifd = tiff + segment.getUint32(tiff + 4, little);
  if (ifd + 2 > segment.byteLength) return false;
  const entries = segment.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 10 > segment.byteLength) return false;
    if (segment.getUint16(entry, little) === 0x0112) return segment.getUint16(entry + 8, little) >= 5;
  }
  return false;
}

async function jpegSize(reader: BlobReader): Promise<ImageSize | null> {
  const { blob } = reader;
  let offset = 2;
  let turned = false;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS && offset + 4 <= blob.size; segment++) {
    const head = await reader.bytesAt(offset, 4);
    if (head.getUint8(0) !== 0xff) return null;
    const marker = head.getUint8(1);
    // Fill bytes (FF FF ...) may pad before a marker; standalone markers have no length.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame header
    const length = head.getUint16(2);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      const frame = await reader.bytesAt(offset + 4, 5);
      if (frame.byteLength < 5) return null;
      const size = { width: frame.getUint16(3), height: frame.getUint16(1) };
      return turned ? { width: size.height, height: size.width } : size;
    }
    if (marker === 0xe1 && !turned) turned = exifTurnsQuarter(await reader.bytesAt(offset + 4, Math.min(length - 2, 4096)));
    offset += 2 + length;
  }
  return null;
}

async function jpegStartSize(reader: BlobReader): Promise<ImageSize | null> {
  const start = await reader.bytesAt(0, 2);
  return start.byteLength === 2 && start.getUint16(0) === 0xffd8 ? jpegSize(reader) : null;
}

/**
 * The size the picture is shown at (a JPEG's EXIF quarter turn applied, as createImageBitmap's
 * default `imageOrientation: "from-image"` applies it), or null if the header is not readable.
 */
export async function readImageSize(blob: Blob, type: string): Promise<ImageSize | null> {
  const reader = new BlobReader(blob);
  const size =
    type === "image/png"
      ? pngSize(await reader.bytesAt(0, 24))
      : type === "image/gif"
        ? gifSize(await reader.bytesAt(0, 10))
        : type === "image/jpeg"
          ? await jpegStartSize(reader)
          : null;
  return size && size.width > 0 && size.height > 0 ? size : null;
}
