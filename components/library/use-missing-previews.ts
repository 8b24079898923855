import { useEffect } from "react";
import { makeMissingPreviews } from "@/client/preview/missing-previews";
import { useOptionalUploadManager } from "@/components/upload/upload-manager";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";

/**
 * The grid makes the previews missing from what it shows (a tab closed before its previews were
 * sent, files uploaded with the CLI), in this tab's preview queue, each file at most once per tab
 * (client/preview/missing-previews.ts). They land in the cards as the queue's uploads' do.
 */
export function useMissingPreviews(files: readonly FileItemJson[]) {
  const previews = useOptionalUploadManager()?.previews;
  useEffect(() => {
    if (previews) makeMissingPreviews(previews, files);
  }, [previews, files]);
}
