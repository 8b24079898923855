"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { deleteFile } from "@/client/api/library-api";
import { FILES_QUERY_KEY } from "@/components/query-keys";
import { useOptionalUploadManager } from "@/components/upload/upload-manager";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { fullName } from "./file-name";

/** Deleting one file from its row or its card: the browser's confirm names it, then the library refreshes. */
export function useDeleteFile(file: FileItemJson) {
  const queryClient = useQueryClient();
  const previews = useOptionalUploadManager()?.previews;
  const remove = useMutation({
    mutationFn: () => {
      // A preview still on its way for this file is dropped.
      previews?.forget(file.id);
      return deleteFile(file.id);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY }),
  });
  const confirmDelete = () => {
    if (window.confirm(`Delete “${fullName(file)}”? This cannot be undone.`)) remove.mutate();
  };
  return { remove, confirmDelete };
}
