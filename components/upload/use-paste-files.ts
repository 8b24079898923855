import { useEffect } from "react";
import { namePastedFiles } from "@/client/files/pasted-name";

/** The files on the clipboard: `files` in Chromium and Firefox; some browsers list them only as items. */
function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = Array.from(data.files);
  if (files.length > 0) return files;
  return Array.from(data.items)
    .filter((item) => item.kind === "file")
    .map((item) => item.getAsFile())
    .filter((file): file is File => file !== null);
}

/**
 * Ctrl/Cmd+V anywhere on the page adds pasted files (a copied file, a screenshot) to the queue,
 * a screenshot under a dated name (client/files/pasted-name.ts). A paste of text is left alone.
 */
export function usePasteFiles(onFiles: (files: File[]) => void) {
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const files = filesOf(event.clipboardData);
      if (files.length === 0) return;
      event.preventDefault();
      onFiles(namePastedFiles(files, new Date()));
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [onFiles]);
}
