"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { LIBRARY_QUERY_KEY } from "@/components/query-keys";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { FileCard } from "./file-card";
import { Lightbox } from "./lightbox";
import { PreviewRefresh } from "./preview-retry";
import { useMissingPreviews } from "./use-missing-previews";
import { useStuckPlaceholders } from "./use-stuck-placeholders";

type Props = {
  files: FileItemJson[];
  selected: ReadonlySet<string>;
  onSelect: (id: string, selected: boolean) => void;
};

/** The files as cards with their previews (made here when missing); a card opens the lightbox, which steps through these files. */
export function FileGrid({ files, selected, onSelect }: Props) {
  const queryClient = useQueryClient();
  useMissingPreviews(files);
  const listRef = useRef<HTMLUListElement>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const openIndex = openId === null ? -1 : files.findIndex((f) => f.id === openId);

  // Pictures that fail fetch the list again for fresh URLs: one fetch for all failing meanwhile,
  // at most once per gap. Not cancelling a fetch on its way (a "Load more" would lose its page).
  const [refreshes] = useState(() => new PreviewRefresh(() => void queryClient.invalidateQueries({ queryKey: LIBRARY_QUERY_KEY }, { cancelRefetch: false })));
  useEffect(() => () => refreshes.dispose(), [refreshes]);
  const requestRefresh = useCallback(() => refreshes.request(), [refreshes]);
  // Placeholders nothing in this tab will turn into pictures (a landing missed, another tab's or
  // the CLI's file) fetch the list again through the same refresh, a few times, backing off.
  useStuckPlaceholders(files, requestRefresh);

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
          <FileCard key={file.id} file={file} selected={selected.has(file.id)} onSelect={onSelect} onOpen={setOpenId} onPreviewError={requestRefresh} />
        ))}
      </ul>
      {openIndex >= 0 && <Lightbox files={files} index={openIndex} onStep={onStep} onClose={onClose} />}
    </>
  );
}
