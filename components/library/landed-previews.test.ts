import { InfiniteQueryObserver, QueryClient, QueryObserver, type InfiniteData } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { FILES_QUERY_KEY, LIBRARY_QUERY_KEY, shareLinksQueryKey } from "@/components/query-keys";
import type { LibraryPage } from "@/lib/contracts/library-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { applyLandedPreviews, withLandedPreviews } from "./landed-previews";

const now = new Date(0).toISOString();
const file = (id: string): FileItemJson => ({ id, name: `${id}.jpg`, path: null, size: 10, type: "image/jpeg", status: "uploaded", createdAt: now, uploadedAt: now, checksum: null, previewUrl: null, previewWanted: true });
const usage = { usedBytes: 0, quotaBytes: null };
const listing = (...pages: string[][]): InfiniteData<LibraryPage> => ({ pages: pages.map((ids) => ({ files: ids.map(file), nextCursor: null, usage })), pageParams: pages.map(() => null) });

/** A library listing of two files whose next page (one file) comes 10 ms after Load more asks, its first page loaded. */
async function twoPagesLoaded() {
  const client = new QueryClient();
  const key = [...LIBRARY_QUERY_KEY, { q: "" }];
  const pageOf = (cursor: string | null): LibraryPage => (cursor ? { files: [file("c")], nextCursor: null, usage } : { files: [file("a"), file("b")], nextCursor: "2", usage });
  const queryFn = ({ pageParam }: { pageParam: string | null }) => new Promise<LibraryPage>((resolve) => setTimeout(() => resolve(pageOf(pageParam)), 10));
  const observer = new InfiniteQueryObserver(client, { queryKey: key, queryFn, initialPageParam: null as string | null, getNextPageParam: (page: LibraryPage) => page.nextCursor, staleTime: Infinity });
  const unsubscribe = observer.subscribe(() => {});
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { client, key, observer, unsubscribe };
}

describe("withLandedPreviews", () => {
  it("sets each landed file's preview in place and keeps the pages without one as they were", () => {
    const before = listing(["a", "b"], ["c"]);
    const after = withLandedPreviews(before, [{ fileItemId: "b", previewUrl: "https://storage.test/b.preview" }]);
    expect(after.pages[0]!.files.map((f) => [f.id, f.previewUrl, f.previewWanted])).toEqual([
      ["a", null, true],
      ["b", "https://storage.test/b.preview", false],
    ]);
    expect(after.pages[0]!.files[0]).toBe(before.pages[0]!.files[0]);
    expect(after.pages[1]).toBe(before.pages[1]);
  });

  it("answers the same object when none of the files is listed", () => {
    const before = listing(["a"]);
    expect(withLandedPreviews(before, [{ fileItemId: "z", previewUrl: "u" }])).toBe(before);
  });
});

describe("applyLandedPreviews", () => {
  it("updates every cached library listing and leaves other queries under the files key alone", () => {
    const client = new QueryClient();
    const newest = [...LIBRARY_QUERY_KEY, { q: "", sort: "date" }];
    const searched = [...LIBRARY_QUERY_KEY, { q: "a", sort: "name" }];
    client.setQueryData(newest, listing(["a", "b"]));
    client.setQueryData(searched, listing(["a"]));
    client.setQueryData(shareLinksQueryKey("a"), { links: [] });
    applyLandedPreviews(client, [{ fileItemId: "a", previewUrl: "https://storage.test/a.preview" }]);
    for (const key of [newest, searched]) expect(client.getQueryData<InfiniteData<LibraryPage>>(key)!.pages[0]!.files[0]!.previewUrl).toBe("https://storage.test/a.preview");
    expect(client.getQueryData(shareLinksQueryKey("a"))).toEqual({ links: [] });
    expect(client.getQueryCache().findAll({ queryKey: FILES_QUERY_KEY })).toHaveLength(3);
  });

  it("applies the previews again to a listing that was on its way when they landed, so it cannot put the placeholders back", async () => {
    const client = new QueryClient();
    const key = [...LIBRARY_QUERY_KEY, { q: "" }];
    let asked = 0;
    // Read before the preview was recorded: the placeholder again.
    const queryFn = () => new Promise<InfiniteData<LibraryPage>>((resolve) => setTimeout(() => resolve((asked++, listing(["a"]))), 10));
    client.setQueryData(key, listing(["a"]));
    // Watched, as the library's list is, and fetching (its data is stale from the start).
    const unsubscribe = new QueryObserver(client, { queryKey: key, queryFn }).subscribe(() => {});
    expect(client.isFetching({ queryKey: key })).toBe(1);
    applyLandedPreviews(client, [{ fileItemId: "a", previewUrl: "u" }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toBe(1);
    expect(client.getQueryData<InfiniteData<LibraryPage>>(key)!.pages[0]!.files[0]!.previewUrl).toBe("u");
    unsubscribe();
  });

  it("keeps a page that Load more was bringing when a preview landed (regression: the list fell back to its first page)", async () => {
    const { client, key, observer, unsubscribe } = await twoPagesLoaded();
    const more = observer.fetchNextPage();
    applyLandedPreviews(client, [{ fileItemId: "a", previewUrl: "u" }]);
    await more;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const data = client.getQueryData<InfiniteData<LibraryPage>>(key)!;
    expect(data.pages.flatMap((page) => page.files.map((f) => [f.id, f.previewUrl]))).toEqual([
      ["a", "u"],
      ["b", null],
      ["c", null],
    ]);
    unsubscribe();
  });

  it("regression: the second of two batches landing during one Load more is kept (the first's re-apply ended the second's watch before the page landed; real-media E2E: img-0048 kept its placeholder)", async () => {
    const { client, key, observer, unsubscribe } = await twoPagesLoaded();
    // Load more reads the cached pages now and answers them with its page added when it lands.
    const more = observer.fetchNextPage();
    applyLandedPreviews(client, [{ fileItemId: "a", previewUrl: "ua" }]);
    applyLandedPreviews(client, [{ fileItemId: "b", previewUrl: "ub" }]);
    await more;
    await new Promise((resolve) => setTimeout(resolve, 30));
    const data = client.getQueryData<InfiniteData<LibraryPage>>(key)!;
    expect(data.pages.flatMap((page) => page.files.map((f) => [f.id, f.previewUrl]))).toEqual([
      ["a", "ua"],
      ["b", "ub"],
      ["c", null],
    ]);
    // Both watches ended with the listing.
    expect(client.getQueryCache().hasListeners()).toBe(false);
    unsubscribe();
  });

  it("does not ask again when nothing is on its way", () => {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    client.setQueryData([...LIBRARY_QUERY_KEY, {}], listing(["a"]));
    applyLandedPreviews(client, [{ fileItemId: "a", previewUrl: "u" }]);
    expect(invalidate).not.toHaveBeenCalled();
  });
});
