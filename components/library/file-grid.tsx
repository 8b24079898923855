"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { FILES_QUERY_KEY } from "@/components/query-keys";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { FileCard } from "./file-card";
import { Lightbox } from "./lightbox";
import { useMissingPreviews } from "./use-missing-previews";

/**
 * Preview URLs live about 5 minutes. When images fail (expired, or lazily loaded long after the
 * listing), the list is fetched again at most once per this window, so a burst of failures makes one
 * request and a preview that keeps failing never loops.
 */
const PREVIEW_REFETCH_WINDOW_MS = 60_000;

type Props = {
  files: FileItemJson[];
  /** When the list was last fetched (react-query's dataUpdatedAt). */
  listedAt: number;
  selected: ReadonlySet<string>;
  onSelect: (id: string, selected: boolean) => void;
};

/** The files as cards with their previews (made here when missing); a card opens the lightbox, which steps through these files. */
export function FileGrid({ files, listedAt, selected, onSelect }: Props) {
  const queryClient = useQueryClient();
  useMissingPreviews(files);
  const listRef = useRef<HTMLUListElement>(null);
  const lastRefetch = useRef(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const openIndex = openId === null ? -1 : files.findIndex((f) => f.id === openId);

  const onPreviewError = useCallback(() => {
    if (Date.now() - lastRefetch.current < PREVIEW_REFETCH_WINDOW_MS) return;
    lastRefetch.current = Date.now();
    void queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY });
  }, [queryClient]);

  const onStep = useCallback((index: number) => setOpenId(files[index]?.id ?? null), [files]);

  // Focus goes back to the card of the file last shown, which may not be the one first opened.
  const onClose = useCallback(() => {
    const id = openId;
    setOpenId(null);
    if (id === null) return;
    const card = listRef.current?.querySelector<HTMLElement>(`[data-file-id="${CSS.escape(id)}"] [data-testid="card-open"]`);
    card?.focus();
  }, [openId]);

  return (
    <>
      <ul className="file-grid" ref={listRef} data-testid="file-grid" aria-label="Your uploaded files">
        {files.map((file) => (
          <FileCard key={file.id} file={file} selected={selected.has(file.id)} onSelect={onSelect} onOpen={setOpenId} onPreviewError={onPreviewError} listedAt={listedAt} />
        ))}
      </ul>
      {openIndex >= 0 && <Lightbox files={files} index={openIndex} onStep={onStep} onClose={onClose} />}
    </>
  );
}
