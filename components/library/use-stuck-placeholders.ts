import { useEffect, useRef, useState } from "react";
import { useOptionalUploadManager } from "@/components/upload/upload-manager";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { showsPreviewPlaceholder, StuckPlaceholders } from "./stuck-placeholders";

const NOTHING = new Set<string>();

/**
 * The grid's placeholders that this tab's preview queue is not working on get the list fetched
 * again, a few times, backing off (stuck-placeholders.ts), through the grid's one `refresh`.
 */
export function useStuckPlaceholders(files: readonly FileItemJson[], refresh: () => void) {
  const previews = useOptionalUploadManager()?.previews;
  // Read at each look, not captured: the files and the queue as they are then.
  const latest = useRef({ files, previews, refresh });
  useEffect(() => {
    latest.current = { files, previews, refresh };
  });
  const [stuck] = useState(
    () =>
      new StuckPlaceholders({
        placeholders: () => latest.current.files.filter(showsPreviewPlaceholder).map((file) => file.id),
        working: () => latest.current.previews?.working() ?? NOTHING,
        refresh: () => latest.current.refresh(),
      }),
  );
  useEffect(() => () => stuck.dispose(), [stuck]);
  useEffect(() => stuck.watch(), [stuck, files]);
}
