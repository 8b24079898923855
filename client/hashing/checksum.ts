import { createCRC32, createSHA256, type IHasher } from "hash-wasm";
import { MIB } from "@/lib/units";

/** S3 wants checksums as base64 of the big-endian bytes; hash-wasm gives hex. */
export function hexToBase64(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}

type Hasher = IHasher;

/** A BYOB read that takes this long is taken as stalled (a healthy 1 MiB read takes milliseconds). */
export const BYOB_STALL_MS = 5_000;
const BYOB_BUFFER_BYTES = MIB;
/** Set after the first stall: this page reads with the default reader from then on. */
let byobStalled = false;

class ByobStall extends Error {}

function withStallTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stall = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ByobStall()), ms)));
  return Promise.race([promise, stall]).finally(() => clearTimeout(timer));
}

/**
 * Reads through one reused buffer (a BYOB reader): in Chromium 156 it reads file-backed slices
 * about 2-3x faster than the default reader and leaves no garbage. But after about 1 GiB of such
 * slices in a worker its reads stop answering (47-79 of 320 parts of a 5 GiB file), so a read
 * that stalls gives up and the caller starts over with the default reader. Returns false when
 * BYOB is unavailable or stalled, having fed the hasher nothing it keeps.
 */
async function updateFromByob(hasher: Hasher, blob: Blob, stallMs: number): Promise<boolean> {
  if (byobStalled) return false;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = blob.stream().getReader({ mode: "byob" });
  } catch {
    return false;
  }
  let buffer = new ArrayBuffer(BYOB_BUFFER_BYTES);
  try {
    for (;;) {
      const { done, value } = await withStallTimeout(reader.read(new Uint8Array(buffer)), stallMs);
      if (done || !value) return true;
      hasher.update(value);
      buffer = value.buffer as ArrayBuffer;
    }
  } catch (err) {
    if (!(err instanceof ByobStall)) throw err;
    byobStalled = true;
    void reader.cancel().catch(() => {});
    return false;
  }
}

/** The default reader: slower and leaves chunks to the collector, but never stalled in tests. */
async function updateFromStream(hasher: Hasher, blob: Blob): Promise<void> {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    hasher.update(value);
  }
}

/**
 * CRC32 (the IEEE polynomial S3 uses for x-amz-checksum-crc32) of a Blob or bytes, streamed in
 * chunks through hash-wasm's WebAssembly implementation. Works in browsers, workers and Node.
 */
export function crc32Base64(data: Blob | Uint8Array, stallMs = BYOB_STALL_MS): Promise<string> {
  return streamedBase64(createCRC32, data, stallMs);
}

/**
 * SHA-256 of a Blob streamed in chunks through hash-wasm, for a file too big to read whole into
 * memory for WebCrypto (client/hashing/sha256-hasher.ts).
 */
export function streamedSha256Base64(data: Blob, stallMs = BYOB_STALL_MS): Promise<string> {
  return streamedBase64(createSHA256, data, stallMs);
}

async function streamedBase64(create: () => Promise<Hasher>, data: Blob | Uint8Array, stallMs: number): Promise<string> {
  const hasher = await create();
  hasher.init();
  if (data instanceof Uint8Array) hasher.update(data);
  else if (!(await updateFromByob(hasher, data, stallMs))) {
    hasher.init(); // a stalled read may have fed part of the blob already
    await updateFromStream(hasher, data);
  }
  return hexToBase64(hasher.digest("hex"));
}
