/// <reference lib="webworker" />
// Hashes parts off the main thread, so the page stays responsive while gigabytes are checksummed.
import { crc32Base64 } from "./checksum";

type Request = { id: number; blob: Blob };

// One part at a time, in arrival order: each hash holds an open stream on the file, and the page
// asks for many parts ahead, so running them all at once would only compete for the same disk.
let queue: Promise<void> = Promise.resolve();

self.onmessage = (event: MessageEvent<Request>) => {
  const { id, blob } = event.data;
  queue = queue.then(async () => {
    try {
      self.postMessage({ id, checksum: await crc32Base64(blob) });
    } catch (err) {
      self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
};
