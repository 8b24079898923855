import type { FileItemJson } from "@/lib/contracts/upload-schemas";

/**
 * A grid card's placeholder turns into the picture when this tab's preview lands
 * (landed-previews.ts). One that nothing here will turn is stuck: its preview was recorded but the
 * landing missed the cached list, or this tab gave up on it, or never had it to make (another tab,
 * the CLI, a photo too big to fetch back). For those the grid fetches the list again, gently: a
 * few times, backing off, then it leaves the card as it is. The fetch also picks up previews made
 * elsewhere meanwhile. No React: the grid feeds it (use-stuck-placeholders.ts).
 */

/** The grid looks at its placeholders this often while it shows any it has not given up on: a look at memory, no request. */
export const STUCK_CHECK_MS = 5_000;

/**
 * The list is fetched again at the first look that finds a placeholder stuck (at most
 * STUCK_CHECK_MS after it is), then this long after that first look; past the last, the card stays
 * as the list says until the page is loaded again.
 */
export const STUCK_REFRESH_AFTER_MS = [0, 10_000, 30_000, 70_000, 150_000] as const;

/** Whether a card shows the placeholder (a photo or video whose preview is on its way) rather than the picture or a type icon. */
export function showsPreviewPlaceholder(file: Pick<FileItemJson, "previewUrl" | "previewWanted">): boolean {
  return !file.previewUrl && file.previewWanted;
}

export type StuckPlaceholderDeps = {
  /** The file items whose cards show the placeholder now. */
  placeholders: () => readonly string[];
  /** The file items this tab's preview queue is still making or sending. */
  working: () => ReadonlySet<string>;
  /** Fetch the list again; the grid's one refresh, shared with failing pictures (preview-retry.ts), never cancelling a fetch on its way. */
  refresh: () => void;
};

export class StuckPlaceholders {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** What the grid showed last. */
  private deps: StuckPlaceholderDeps | undefined;
  /** Each placeholder found stuck: when first, and how many of its refreshes were made. */
  private readonly stuck = new Map<string, { since: number; refreshes: number }>();

  constructor(
    private readonly refreshAfterMs: readonly number[] = STUCK_REFRESH_AFTER_MS,
    private readonly checkMs = STUCK_CHECK_MS,
  ) {}

  /** What the grid shows changed: it looks within STUCK_CHECK_MS if any placeholder may need it. */
  watch(deps: StuckPlaceholderDeps) {
    this.deps = deps;
    if (this.timer === undefined && deps.placeholders().some((id) => this.mayRefresh(id))) this.schedule();
  }

  /** The grid went away: no more looks, no refresh (until it watches again, as React's development remount does). */
  dispose() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private mayRefresh(id: string): boolean {
    return (this.stuck.get(id)?.refreshes ?? 0) < this.refreshAfterMs.length;
  }

  private schedule() {
    this.timer = setTimeout(() => this.look(), this.checkMs);
  }

  /** One refresh at most per look, for every placeholder due one. */
  private look() {
    this.timer = undefined;
    const deps = this.deps!;
    const now = Date.now();
    const shown = deps.placeholders();
    const working = deps.working();
    let due = false;
    for (const id of shown) {
      if (working.has(id)) continue;
      let found = this.stuck.get(id);
      if (!found) this.stuck.set(id, (found = { since: now, refreshes: 0 }));
      const after = this.refreshAfterMs[found.refreshes];
      if (after === undefined || now < found.since + after) continue;
      found.refreshes++;
      due = true;
    }
    if (due) deps.refresh();
    // Placeholders still being made keep it looking: nothing tells it when this tab gives one up.
    if (shown.some((id) => this.mayRefresh(id))) this.schedule();
  }
}
