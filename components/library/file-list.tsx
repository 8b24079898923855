"use client";

import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { ErrorText } from "@/components/ui/error-text";
import { FileGrid } from "./file-grid";
import { FileTable } from "./file-table";
import { FileToolbar, type SortChoice } from "./file-toolbar";
import { useLibraryView } from "./use-library-view";
import { ViewToggle } from "./view-toggle";
import { deleteFile, listLibraryPage } from "@/client/api/library-api";
import { useOptionalUploadManager } from "@/components/upload/upload-manager";
import { FILES_QUERY_KEY, LIBRARY_QUERY_KEY } from "@/components/query-keys";
import { EmptyState, QueryView } from "@/components/ui/query-view";
import type { StorageUsage } from "@/lib/contracts/library-schemas";
import { formatBytes } from "@/lib/upload-rules";

/** Typing pauses this long before the search is sent. */
const SEARCH_DEBOUNCE_MS = 250;
const PAGE_SIZE = 50;

function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function UsageLine({ usage }: { usage: StorageUsage }) {
  return (
    <p className="usage" data-testid="usage" data-used-bytes={usage.usedBytes}>
      Used: {formatBytes(usage.usedBytes)}
      {usage.quotaBytes !== null && ` of ${formatBytes(usage.quotaBytes)}`}
    </p>
  );
}

/** The signed-in person's files as a list or a grid: search, filter, sort, page, open, download, rename, share and delete. */
export function FileList() {
  const queryClient = useQueryClient();
  const previews = useOptionalUploadManager()?.previews;
  const [view, setView] = useLibraryView();
  const [search, setSearch] = useState("");
  const [type, setType] = useState("");
  const [sort, setSort] = useState<SortChoice>({ sort: "date", order: "desc" });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkError, setBulkError] = useState<string | null>(null);
  const [bulkDeleting, setBulkDeleting] = useState(false);
  const q = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  const filtered = q !== "" || type !== "";

  const query = useInfiniteQuery({
    queryKey: [...LIBRARY_QUERY_KEY, { q, type, ...sort }],
    queryFn: ({ pageParam }) => listLibraryPage({ q, type, ...sort, limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const files = useMemo(() => query.data?.pages.flatMap((page) => page.files) ?? [], [query.data]);
  // Only files still listed can be selected (others were deleted or filtered away).
  const selectedIds = files.filter((f) => selected.has(f.id)).map((f) => f.id);

  const select = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const selectAll = (on: boolean) => setSelected(on ? new Set(files.map((f) => f.id)) : new Set());

  const deleteSelected = async () => {
    if (!window.confirm(`Delete ${selectedIds.length} selected file${selectedIds.length === 1 ? "" : "s"}? This cannot be undone.`)) return;
    setBulkDeleting(true);
    setBulkError(null);
    // A preview still on its way for a deleted file is dropped.
    selectedIds.forEach((id) => previews?.forget(id));
    const results = await Promise.allSettled(selectedIds.map((id) => deleteFile(id)));
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) setBulkError(`${failed} of ${selectedIds.length} files could not be deleted. Try again in a moment.`);
    setSelected(new Set());
    setBulkDeleting(false);
    await queryClient.invalidateQueries({ queryKey: FILES_QUERY_KEY });
  };

  const allSelected = files.length > 0 && selectedIds.length === files.length;
  return (
    <QueryView query={query} loading="Loading your files…" failed="Could not load your files" errorTestId="file-list-error">
      {(data) => (
        <div className="library" data-testid="file-library" data-view={view} data-fetching={query.isFetching ? "true" : "false"}>
          <div className="library-head">
            {data.pages[0]?.usage && <UsageLine usage={data.pages[0].usage} />}
            <ViewToggle view={view} onChange={setView} />
          </div>
          <FileToolbar search={search} onSearch={setSearch} type={type} onType={setType} sort={sort} onSort={setSort} />
          {files.length === 0 ? (
            filtered ? (
              <EmptyState testId="file-list-no-match">No files match.</EmptyState>
            ) : (
              <EmptyState testId="file-list-empty">
                No files yet. <Link href="/upload">Upload some</Link>.
              </EmptyState>
            )
          ) : (
            <>
              <div className="bulk-bar">
                <button type="button" className="danger" disabled={selectedIds.length === 0 || bulkDeleting} onClick={deleteSelected} data-testid="delete-selected">
                  {bulkDeleting ? "Deleting…" : `Delete selected (${selectedIds.length})`}
                </button>
                {view === "grid" && (
                  <label className="select-all">
                    <input type="checkbox" checked={allSelected} data-testid="select-all" onChange={(e) => selectAll(e.target.checked)} />
                    Select all
                  </label>
                )}
                {bulkError && (
                  <ErrorText testId="bulk-error">
                    {bulkError}
                  </ErrorText>
                )}
              </div>
              {view === "grid" ? (
                <FileGrid files={files} selected={selected} onSelect={select} />
              ) : (
                <FileTable files={files} selected={selected} onSelect={select} onSelectAll={selectAll} />
              )}
              {query.hasNextPage && (
                <button type="button" className="secondary load-more" disabled={query.isFetchingNextPage} onClick={() => query.fetchNextPage()} data-testid="load-more">
                  {query.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              )}
            </>
          )}
        </div>
      )}
    </QueryView>
  );
}
