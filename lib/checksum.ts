import { createCRC32 } from "hash-wasm";

/** S3 wants checksums as base64 of the big-endian bytes; hash-wasm gives hex. */
export function hexToBase64(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

/** How much of a part is hashed at a time, so hashing never holds more than one chunk extra. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * CRC32 (the IEEE polynomial S3 uses for x-amz-checksum-crc32) of a Blob or bytes, streamed in
 * chunks through hash-wasm's WebAssembly implementation. Works in browsers, workers and Node.
 */
export async function crc32Base64(data: Blob | Uint8Array): Promise<string> {
  const hasher = await createCRC32();
  hasher.init();
  if (data instanceof Uint8Array) {
    for (let offset = 0; offset < data.byteLength; offset += CHUNK_BYTES) hasher.update(data.subarray(offset, offset + CHUNK_BYTES));
  } else {
    for (let offset = 0; offset < data.size; offset += CHUNK_BYTES) {
      hasher.update(new Uint8Array(await data.slice(offset, offset + CHUNK_BYTES).arrayBuffer()));
    }
  }
  return hexToBase64(hasher.digest("hex"));
}
