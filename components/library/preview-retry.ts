/**
 * What a grid card does when its preview's picture fails to load. The preview exists (the API
 * only signs stored ones), so the failure is either passing (storage or a proxy dropped the GET, a
 * 503 under load) or its short-lived URL expired. The card tries the same URL again after a short
 * wait, a few times, and the grid fetches the list again for fresh URLs; that fetch is shared by
 * every card that fails meanwhile and made at most once per gap, so a failing page never floods
 * the API, and a failure is never left without one (regression: a failure within a minute of the
 * last list fetch kept its card on the type icon for up to that minute).
 */

/** Waits before each new try of the same URL; past the last the icon stays until the list brings another URL. */
export const PREVIEW_RETRY_DELAYS_MS = [1_000, 3_000, 9_000] as const;

/** Failed pictures fetch the list again at most once per this gap. */
export const PREVIEW_REFRESH_GAP_MS = 10_000;

/** How long a card waits before trying its URL again after `failures` failures of it, or null when it stops trying. */
export function previewRetryDelay(failures: number): number | null {
  return failures >= 1 ? (PREVIEW_RETRY_DELAYS_MS[failures - 1] ?? null) : null;
}

/**
 * Runs `refresh` at once when it has not run for `gapMs`, else once at the end of the gap however
 * many ask meanwhile: every request is followed by a refresh that starts after it, within `gapMs`.
 */
export class PreviewRefresh {
  private lastAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly refresh: () => void,
    private readonly gapMs = PREVIEW_REFRESH_GAP_MS,
  ) {}

  request() {
    if (this.timer !== undefined) return;
    const wait = this.lastAt + this.gapMs - Date.now();
    if (wait <= 0) return this.run();
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** The grid went away: a refresh still waiting is not made. */
  dispose() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run() {
    this.timer = undefined;
    this.lastAt = Date.now();
    this.refresh();
  }
}
