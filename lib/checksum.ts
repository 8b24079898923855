import { createCRC32 } from "hash-wasm";

/** S3 wants checksums as base64 of the big-endian bytes; hash-wasm gives hex. */
export function hexToBase64(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

/** How much of a part is hashed at a time, so hashing never holds more than one chunk extra. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** The one buffer a byte-stream read reuses for every chunk. */
const BYOB_BUFFER_BYTES = 1024 * 1024;

type Hasher = Awaited<ReturnType<typeof createCRC32>>;

/**
 * Feeds a Blob through one reused buffer (a BYOB reader on its byte stream), so hashing gigabytes
 * leaves no garbage behind: a new ArrayBuffer per chunk kept a tab's memory hundreds of MB above
 * its heap until the collector caught up. False where Blob streams are not byte streams.
 */
async function updateFromByteStream(hasher: Hasher, blob: Blob): Promise<boolean> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = blob.stream().getReader({ mode: "byob" });
  } catch {
    return false;
  }
  let buffer = new ArrayBuffer(BYOB_BUFFER_BYTES);
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done || !value) return true;
    hasher.update(value);
    buffer = value.buffer as ArrayBuffer; // the read hands back the same memory, transferred
  }
}

async function updateFromSlices(hasher: Hasher, blob: Blob): Promise<void> {
  for (let offset = 0; offset < blob.size; offset += CHUNK_BYTES) {
    hasher.update(new Uint8Array(await blob.slice(offset, offset + CHUNK_BYTES).arrayBuffer()));
  }
}

/**
 * CRC32 (the IEEE polynomial S3 uses for x-amz-checksum-crc32) of a Blob or bytes, streamed in
 * chunks through hash-wasm's WebAssembly implementation. Works in browsers, workers and Node.
 */
export async function crc32Base64(data: Blob | Uint8Array): Promise<string> {
  const hasher = await createCRC32();
  hasher.init();
  if (data instanceof Uint8Array) {
    for (let offset = 0; offset < data.byteLength; offset += CHUNK_BYTES) hasher.update(data.subarray(offset, offset + CHUNK_BYTES));
  } else if (!(await updateFromByteStream(hasher, data))) {
    await updateFromSlices(hasher, data);
  }
  return hexToBase64(hasher.digest("hex"));
}
