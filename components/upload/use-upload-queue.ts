import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { cancelUpload, completeUpload, completeUploads, createUpload, createUploads, FILES_QUERY_KEY, getUpload, reportParts, signParts } from "@/client/api/upload-api";
import { BatchCoalescer } from "@/client/api/batch-coalescer";
import { MAX_BATCH_ITEMS } from "@/lib/contracts/upload-schemas";
import { UploadQueueStore } from "@/client/queue/upload-queue-store";
import { pageTracer } from "@/client/tracer";
import type { UploadRules } from "@/lib/upload-rules";

/** A queue of small files completes dozens a second; the files list needs to hear of them only this often. */
const FILES_REFRESH_MS = 500;

/** The upload queue for one page: its state, and the actions a person can take on it. */
export function useUploadQueue(rules: UploadRules, concurrency: number, connections: number) {
  const queryClient = useQueryClient();
  // Plain calls, not useMutation: each mutation's state change re-rendered this hook's component
  // (the whole queue) several times per file, outside the store's once-per-frame rendering.
  const [store] = useState(() => {
    // One refresh of the files list per FILES_REFRESH_MS, not one per completed file.
    let refreshPending = false;
    const refreshFiles = () => {
      if (refreshPending) return;
      refreshPending = true;
      setTimeout(() => {
        refreshPending = false;
        void queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY });
      }, FILES_REFRESH_MS);
    };
    const refreshAfter = async <T,>(done: Promise<T>) => {
      const value = await done;
      refreshFiles();
      return value;
    };
    // Small files finishing close together share one complete request (see BatchCoalescer).
    const completer = new BatchCoalescer(completeUploads, { maxBatch: MAX_BATCH_ITEMS, maxInFlight: 1 });
    return new UploadQueueStore(
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
      // Only the benchmark sets one (bench/browser.ts); the product records no timings.
      { tracer: pageTracer() },
    );
  });
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  useEffect(() => store.setConcurrency(concurrency), [store, concurrency]);
  useEffect(() => store.setConnections(connections), [store, connections]);
  return {
    state,
    add: store.add,
    cancel: store.cancel,
    retry: store.retry,
    clear: store.clear,
    pause: store.pause,
    resume: store.resume,
    pauseAll: store.pauseAll,
    resumeAll: store.resumeAll,
  };
}
