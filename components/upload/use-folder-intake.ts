import { useCallback, useState } from "react";
import type { EntryChunk } from "@/client/files/folder-entries";
import type { PickedFile } from "@/client/files/folder-path";

export type IntakeStatus = { reading: boolean; found: number; unreadable: number };

/**
 * Feeds a folder's files to the queue chunk by chunk as they are read (client/files/folder-entries.ts),
 * with a count to show meanwhile: a folder of thousands of files shows up row by row instead of
 * the page freezing until the whole tree is read.
 */
export function useFolderIntake(onFiles: (files: PickedFile[]) => void) {
  const [status, setStatus] = useState<IntakeStatus | null>(null);
  const intake = useCallback(
    async (chunks: AsyncIterable<EntryChunk>) => {
      let found = 0;
      let unreadable = 0;
      setStatus({ reading: true, found, unreadable });
      try {
        for await (const chunk of chunks) {
          found += chunk.files.length;
          unreadable += chunk.unreadable;
          if (chunk.files.length > 0) onFiles(chunk.files);
          setStatus({ reading: true, found, unreadable });
        }
      } finally {
        setStatus({ reading: false, found, unreadable });
      }
    },
    [onFiles],
  );
  return { status, intake };
}
