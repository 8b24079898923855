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
 * back when it lands, so they are applied again to each listing that lands while any is on its way.
 * Not a refetch: that would cancel a "Load more" in flight and drop the page it brings.
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
    // `manual`: this function's own setQueriesData, which must not call it again.
    if (action.type === "success" && !action.manual) apply();
    if ((action.type === "success" || action.type === "error") && !onTheirWay()) unsubscribe();
  });
}
