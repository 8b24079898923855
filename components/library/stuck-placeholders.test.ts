import { InfiniteQueryObserver, QueryClient, type InfiniteData } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LIBRARY_QUERY_KEY } from "@/components/query-keys";
import type { LibraryPage } from "@/lib/contracts/library-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { PreviewRefresh } from "./preview-retry";
import { showsPreviewPlaceholder, STUCK_CHECK_MS, STUCK_REFRESH_AFTER_MS, StuckPlaceholders } from "./stuck-placeholders";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function setup(shown: string[], working: string[] = []) {
  const state = { shown, working: new Set(working) };
  const refresh = vi.fn();
  const stuck = new StuckPlaceholders();
  const deps = { placeholders: () => state.shown, working: () => state.working, refresh };
  return { state, refresh, stuck, watch: () => stuck.watch(deps) };
}

describe("showsPreviewPlaceholder", () => {
  it.each([
    [null, true, true],
    [null, false, false],
    ["https://storage.test/a.preview", false, false],
  ])("previewUrl %s, previewWanted %s: %s", (previewUrl, previewWanted, shows) => {
    expect(showsPreviewPlaceholder({ previewUrl, previewWanted })).toBe(shows);
  });
});

describe("StuckPlaceholders", () => {
  it("fetches the list again within a look of a placeholder nothing here is working on, then backing off, then stops", () => {
    const { refresh, watch } = setup(["a"]);
    watch();
    vi.advanceTimersByTime(STUCK_CHECK_MS - 1);
    expect(refresh).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    const times: number[] = [];
    refresh.mockImplementation(() => times.push(Date.now()));
    const start = Date.now();
    vi.advanceTimersByTime(10 * 60_000);
    expect(refresh).toHaveBeenCalledTimes(STUCK_REFRESH_AFTER_MS.length);
    // Each after the one before, further apart each time, the last within a few minutes.
    const offsets = times.map((at) => at - start);
    expect(offsets).toEqual(STUCK_REFRESH_AFTER_MS.slice(1).map((after) => Math.ceil(after / STUCK_CHECK_MS) * STUCK_CHECK_MS));
    expect(offsets.at(-1)).toBeLessThanOrEqual(3 * 60_000);
    // Given up: no more looks either.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fetches nothing for placeholders this tab is still making, and starts once it is no longer", () => {
    const { state, refresh, watch } = setup(["a"], ["a"]);
    watch();
    vi.advanceTimersByTime(60_000);
    expect(refresh).not.toHaveBeenCalled();
    state.working.clear();
    vi.advanceTimersByTime(STUCK_CHECK_MS);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("makes one fetch per look for all its stuck placeholders, and stops looking once none is shown", () => {
    const { state, refresh, watch } = setup(["a", "b", "c"]);
    watch();
    vi.advanceTimersByTime(STUCK_CHECK_MS);
    expect(refresh).toHaveBeenCalledTimes(1);
    state.shown = [];
    vi.advanceTimersByTime(STUCK_CHECK_MS);
    expect(vi.getTimerCount()).toBe(0);
    watch();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives a placeholder stuck later its own few fetches, but never more to one it gave up on", () => {
    const { state, refresh, watch } = setup(["a"]);
    watch();
    vi.advanceTimersByTime(10 * 60_000);
    expect(refresh).toHaveBeenCalledTimes(STUCK_REFRESH_AFTER_MS.length);
    watch();
    vi.advanceTimersByTime(10 * 60_000);
    expect(refresh).toHaveBeenCalledTimes(STUCK_REFRESH_AFTER_MS.length);
    state.shown = ["a", "b"];
    watch();
    vi.advanceTimersByTime(STUCK_CHECK_MS);
    expect(refresh).toHaveBeenCalledTimes(STUCK_REFRESH_AFTER_MS.length + 1);
  });

  it("does nothing once the grid is gone", () => {
    const { refresh, stuck, watch } = setup(["a"]);
    watch();
    stuck.dispose();
    vi.advanceTimersByTime(10 * 60_000);
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe("the grid's placeholders with the library's list", () => {
  const now = new Date(0).toISOString();
  const file = (id: string, previewUrl: string | null): FileItemJson => ({ id, name: `${id}.jpg`, path: null, size: 10, type: "image/jpeg", status: "uploaded", createdAt: now, uploadedAt: now, checksum: null, previewUrl, previewWanted: previewUrl === null });
  const usage = { usedBytes: 0, quotaBytes: null };

  it("a preview recorded without its landing reaching the list (another tab, a missed landing) shows within a few seconds, and a Load more in flight keeps its page", async () => {
    const client = new QueryClient();
    const key = [...LIBRARY_QUERY_KEY, { q: "" }];
    /** What the server has: "a" without a preview until another tab records one. */
    const server = { a: null as string | null };
    let listings = 0;
    const pageOf = (cursor: string | null): LibraryPage => (cursor ? { files: [file("c", "uc")], nextCursor: null, usage } : { files: [file("a", server.a), file("b", "ub")], nextCursor: "2", usage });
    const queryFn = ({ pageParam }: { pageParam: string | null }) => new Promise<LibraryPage>((resolve) => setTimeout(() => resolve((listings++, pageOf(pageParam))), 1_000));
    const observer = new InfiniteQueryObserver(client, { queryKey: key, queryFn, initialPageParam: null as string | null, getNextPageParam: (page: LibraryPage) => page.nextCursor, staleTime: 10_000 });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(1_000);
    const files = () => client.getQueryData<InfiniteData<LibraryPage>>(key)!.pages.flatMap((page) => page.files);
    // The grid's one refresh, as file-grid.tsx makes it.
    const refreshes = new PreviewRefresh(() => void client.invalidateQueries({ queryKey: LIBRARY_QUERY_KEY }, { cancelRefetch: false }));
    const stuck = new StuckPlaceholders();
    stuck.watch({ placeholders: () => files().filter(showsPreviewPlaceholder).map((f) => f.id), working: () => new Set(), refresh: () => refreshes.request() });
    server.a = "ua";
    // Load more on its way when the first look comes: not cancelled, its page kept.
    await vi.advanceTimersByTimeAsync(STUCK_CHECK_MS - 500);
    const more = observer.fetchNextPage();
    await vi.advanceTimersByTimeAsync(1_000);
    await more;
    expect(files().map((f) => f.id)).toEqual(["a", "b", "c"]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(files().map((f) => [f.id, f.previewUrl])).toEqual([
      ["a", "ua"],
      ["b", "ub"],
      ["c", "uc"],
    ]);
    // Healed: no more fetches.
    const fetched = listings;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(listings).toBe(fetched);
    stuck.dispose();
    unsubscribe();
  });
});
