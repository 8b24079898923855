import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { cancelUpload, completeUpload, createUpload, FILES_QUERY_KEY, getUpload, reportParts, signParts } from "@/components/upload-api";
import { UploadQueueStore } from "@/components/upload-queue-store";
import type { UploadRules } from "@/lib/upload-rules";

/** The upload queue for one page: its state, and the actions a person can take on it. */
export function useUploadQueue(rules: UploadRules, concurrency: number, connections: number) {
  const queryClient = useQueryClient();
  // Many uploads share each mutation; mutateAsync resolves per call, and hook-level callbacks run for every call.
  const create = useMutation({ mutationFn: createUpload });
  const complete = useMutation({
    mutationFn: completeUpload,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY }),
  });
  const cancel = useMutation({ mutationFn: cancelUpload });
  const [store] = useState(
    () =>
      new UploadQueueStore(
        { create: create.mutateAsync, complete: complete.mutateAsync, cancel: cancel.mutateAsync, getUpload, signParts, reportParts },
        rules,
      ),
  );
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
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
