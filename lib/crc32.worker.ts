/// <reference lib="webworker" />
// Hashes parts off the main thread, so the page stays responsive while gigabytes are checksummed.
import { crc32Base64 } from "./checksum";

type Request = { id: number; blob: Blob };

self.onmessage = async (event: MessageEvent<Request>) => {
  const { id, blob } = event.data;
  try {
    self.postMessage({ id, checksum: await crc32Base64(blob) });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
