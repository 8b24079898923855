/**
 * SHA-256 of a file, for a create whose POST form binds it (x-amz-checksum-sha256, see
 * `formChecksumWanted`): WebCrypto's digest, native in browsers, workers and Node 20, for files up
 * to WHOLE_READ_MAX_BYTES (read whole into memory: WebCrypto cannot stream); bigger ones (a form
 * takes up to the multipart threshold, 100 MiB by default) are streamed through hash-wasm. One
 * hasher reads at most SHA256_CONCURRENCY files at once.
 */
import { ConnectionPool } from "@/client/connection-pool";
import { MIB } from "@/lib/units";
import { streamedSha256Base64 } from "./checksum";

/** Files up to this size are read whole for WebCrypto's native digest; bigger ones are streamed. */
export const WHOLE_READ_MAX_BYTES = 16 * MIB;

/**
 * Files read and hashed at once by one hasher: a batch create (up to ~24 files of at most
 * PREPARE_MAX_BYTES) waits for all of its files, so they go a few at a time rather than one by one,
 * while memory holds at most this many files' bytes.
 */
export const SHA256_CONCURRENCY = 4;

/** Base64 of the SHA-256 of `blob`, as S3 writes x-amz-checksum-sha256; rejects when the blob cannot be read. */
export async function sha256Base64(blob: Blob): Promise<string> {
  // WebCrypto's `subtle` exists only in secure contexts (HTTPS, localhost): elsewhere hash-wasm does it.
  if (blob.size > WHOLE_READ_MAX_BYTES || typeof globalThis.crypto?.subtle?.digest !== "function") return streamedSha256Base64(blob);
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
