/**
 * The upload engine as the web page runs it: our API on the page's origin, small files' completes
 * coalesced into batch requests, a callback when files land so the files list can refresh, and
 * the tab's preview queue told of each file. No React: the upload manager (upload-manager.ts)
 * makes one per tab.
 */
import { BatchCoalescer } from "@/client/api/batch-coalescer";
import { cancelUpload, completeUpload, completeUploads, createUpload, createUploads, getUpload, reportParts, signParts } from "@/client/api/upload-api";
import type { ConnectionPool } from "@/client/connection-pool";
import type { PreviewHandoff } from "@/client/preview/preview-queue";
import { pageTracer } from "@/client/tracer";
import { MAX_BATCH_ITEMS, type UploadSettings } from "@/lib/contracts/upload-schemas";
import type { UploadRules } from "@/lib/upload-rules";
import { UploadEngine } from "@/client/engine/upload-engine";

/** A queue of small files completes dozens a second; the files list needs to hear of them only this often. */
export const FILES_REFRESH_MS = 500;

/** `onStored` runs at most once per FILES_REFRESH_MS after files complete (the page refetches its files list). */
export function createPageUploadEngine(rules: UploadRules, onStored: () => void, beside: { pool: ConnectionPool; previews: PreviewHandoff; settings?: UploadSettings }): UploadEngine {
  let refreshPending = false;
  const refreshFiles = () => {
    if (refreshPending) return;
    refreshPending = true;
    setTimeout(() => {
      refreshPending = false;
      onStored();
    }, FILES_REFRESH_MS);
  };
  const refreshAfter = async <T>(done: Promise<T>) => {
    const value = await done;
    refreshFiles();
    return value;
  };
  // Small files finishing close together share one complete request (see BatchCoalescer).
  const completer = new BatchCoalescer(completeUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
  return new UploadEngine(
    {
      create: createUpload,
      createMany: createUploads,
      complete: (id) => refreshAfter(completer.call(id)),
      completeMultipart: (id) => refreshAfter(completeUpload(id)),
      cancel: cancelUpload,
      getUpload,
      signParts,
      reportParts,
    },
    rules,
    // Only the benchmark sets a tracer (bench/browser.ts); the product records no timings. Photos
    // and videos get a preview made in this tab, sent over the same connections (client/preview/);
    // the CLI makes none.
    { tracer: pageTracer(), ...beside },
  );
}
