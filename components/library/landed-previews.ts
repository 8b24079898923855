import { matchQuery, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { LIBRARY_QUERY_KEY } from "@/components/query-keys";
import type { LandedPreview } from "@/client/preview/preview-queue";
import type { LibraryPage } from "@/lib/contracts/library-schemas";

/**
 * The library's cached pages with the previews that just landed (client/preview/preview-queue.ts
 * says which): each file's `previewUrl` set in place, so its card turns from the placeholder into
 * the picture without the list being fetched again. Pages without any of them are kept as they
 * are (same objects), so React re-renders only what changed.
 */
export function withLandedPreviews(data: InfiniteData<LibraryPage>, landed: readonly LandedPreview[]): InfiniteData<LibraryPage> {
  const urls = new Map(landed.map((preview) => [preview.fileItemId, preview.previewUrl]));
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.files.some((file) => urls.has(file.id))) return page;
    changed = true;
    return { ...page, files: page.files.map((file) => (urls.has(file.id) ? { ...file, previewUrl: urls.get(file.id)!, previewWanted: false } : file)) };
  });
  return changed ? { ...data, pages } : data;
}

/**
 * Every cached library listing (any search, filter or sort) gets the landed previews. A listing
 * already on its way may have been read before they were recorded and would put the placeholders
 * back when it lands (a "Load more" answers the pages it read when it started, plus its own), so
 * they are applied again to each listing that lands while any is on its way. Not a refetch: that
 * would cancel a "Load more" in flight and drop the page it brings.
 */
export function applyLandedPreviews(queryClient: QueryClient, landed: readonly LandedPreview[]) {
  const apply = () =>
    queryClient.setQueriesData<InfiniteData<LibraryPage>>({ queryKey: LIBRARY_QUERY_KEY }, (data) => (data ? withLandedPreviews(data, landed) : data));
  apply();
  const onTheirWay = () => queryClient.isFetching({ queryKey: LIBRARY_QUERY_KEY }) > 0;
  if (!onTheirWay()) return;
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== "updated" || !matchQuery({ queryKey: LIBRARY_QUERY_KEY }, event.query)) return;
    const { action } = event;
    // A manual write is a landing's own setQueriesData, this one's or another batch's applied
    // again inside the listing's success: never the listing this watch waits for. Ending on it,
    // once nothing was on its way, dropped this watch before the listing reached it (regression:
    // two batches landed during one Load more, the second kept its placeholders).
    if (action.type === "success" && action.manual) return;
    if (action.type === "success") apply();
    // A fetch ends in success, error, or (cancelled) `setState` back to what it had, this landing included.
    if ((action.type === "success" || action.type === "error" || action.type === "setState") && !onTheirWay()) unsubscribe();
  });
}
