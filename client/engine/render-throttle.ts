import { traceClock, type Tracer } from "@/client/tracer";

/**
 * React hears about the queue at most this often. Each render is a frame of style, layout, paint
 * and commit whose cost hardly depends on how many rows changed, so 60 renders a second were most
 * of the page's CPU with 1,000 small files; 10 a second still reads as live (uppy's status bar
 * throttles its progress to 500 ms). The first change after a quiet spell renders at once.
 */
export const RENDER_INTERVAL_MS = 100;

/**
 * What subscribers see of a value that changes thousands of times a second: the value as of the
 * last tick, and one notice per tick however many changes happened until then. A timer, not an
 * animation frame: frames stop in a hidden tab, and browsers only slow timers there.
 */
export class RenderThrottle<T> {
  private published: T;
  private pending = false;
  private lastAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<() => void>();

  constructor(
    /** The value as it is now; read once per tick. */
    private readonly read: () => T,
    /** The benchmark's: each tick is a `render` span, the subscribers' work (React's render and commit, which it runs in a microtask) included. */
    private readonly tracer?: Tracer,
  ) {
    this.published = read();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** The value as of the last tick (for useSyncExternalStore). */
  getSnapshot = () => this.published;

  /** The value changed: subscribers hear of it at the next tick. */
  changed() {
    if (this.pending) return;
    this.pending = true;
    const wait = Math.max(0, this.lastAt + RENDER_INTERVAL_MS - performance.now());
    setTimeout(() => {
      this.pending = false;
      this.lastAt = performance.now();
      this.published = this.read();
      const from = traceClock(this.tracer);
      for (const listener of this.listeners) listener();
      const { tracer } = this;
      if (tracer) queueMicrotask(() => tracer.span("render", from, traceClock(tracer)));
    }, wait);
  }
}
