/**
 * SHA-256 of a whole small file, for a create whose POST form binds it (x-amz-checksum-sha256, see
 * `formChecksumWanted`): WebCrypto's digest, native in browsers, workers and Node 20. WebCrypto
 * cannot stream, so each file is read whole into memory while it is hashed, and one hasher reads
 * at most SHA256_CONCURRENCY files at once.
 */
import { ConnectionPool } from "@/client/connection-pool";

/**
 * Files read and hashed at once by one hasher: a batch create (up to ~24 files of at most
 * PREPARE_MAX_BYTES) waits for all of its files, so they go a few at a time rather than one by one,
 * while memory holds at most this many files' bytes.
 */
export const SHA256_CONCURRENCY = 4;

/** Whether this page can hash: WebCrypto's `subtle` exists only in secure contexts (HTTPS, localhost). */
export function sha256Available(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === "function";
}

/** Base64 of the SHA-256 of `blob`, as S3 writes x-amz-checksum-sha256; rejects when the blob cannot be read. */
export async function sha256Base64(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return btoa(String.fromCharCode(...digest));
}

/** sha256Base64, at most `concurrency` at once, in the order asked; a failure frees its slot and rejects only its own file. */
export function createSha256Hasher(concurrency = SHA256_CONCURRENCY): (blob: Blob) => Promise<string> {
  // The same slot queue as storage's connections, with its own limit.
  const slots = new ConnectionPool(concurrency);
  return async (blob) => {
    const release = await slots.acquire();
    try {
      return await sha256Base64(blob);
    } finally {
      release();
    }
  };
}
