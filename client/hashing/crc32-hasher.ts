/**
 * CRC32 of Blobs in a Web Worker (one at a time, in order), or on the main thread where workers
 * are unavailable. Browser-only; no React.
 */
import { crc32Base64 } from "./checksum";

type Pending = { resolve: (checksum: string) => void; reject: (err: Error) => void };

export function createCrc32Hasher(): (blob: Blob) => Promise<string> {
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL("./crc32.worker.ts", import.meta.url), { type: "module" });
  } catch {
    return crc32Base64;
  }
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let broken = false;
  worker.onmessage = (event: MessageEvent<{ id: number; checksum?: string; error?: string }>) => {
    const job = pending.get(event.data.id);
    pending.delete(event.data.id);
    if (event.data.checksum) job?.resolve(event.data.checksum);
    else job?.reject(new Error(event.data.error ?? "hashing failed"));
  };
  worker.onerror = () => {
    // A worker that cannot load (bundler, CSP) should not stop uploads: hash on this thread instead.
    broken = true;
    for (const [id, job] of pending) {
      pending.delete(id);
      job.reject(new Error("worker failed"));
    }
  };
  return async (blob) => {
    if (broken || !worker) return crc32Base64(blob);
    const id = nextId++;
    try {
      return await new Promise<string>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, blob });
      });
    } catch {
      return crc32Base64(blob);
    }
  };
}
