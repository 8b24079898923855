import { useEffect, useState } from "react";
import { useOptionalUploadManager } from "@/components/upload/upload-manager";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { showsPreviewPlaceholder, StuckPlaceholders } from "./stuck-placeholders";

const NOTHING: ReadonlySet<string> = new Set();

/**
 * The grid's placeholders that this tab's preview queue is not working on get the list fetched
 * again, a few times, backing off (stuck-placeholders.ts), through the grid's one `refresh`.
 */
export function useStuckPlaceholders(files: readonly FileItemJson[], refresh: () => void) {
  const previews = useOptionalUploadManager()?.previews;
  const [stuck] = useState(() => new StuckPlaceholders());
  useEffect(() => () => stuck.dispose(), [stuck]);
  useEffect(
    () =>
      stuck.watch({
        placeholders: () => files.filter(showsPreviewPlaceholder).map((file) => file.id),
        working: () => previews?.working() ?? NOTHING,
        refresh,
      }),
    [stuck, files, previews, refresh],
  );
}
