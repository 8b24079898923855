/**
 * File items the server is told to drop (a cancelled file, a spent POST policy), and anything else
 * sent on the way out (forgetting a resume record): best effort, never awaited by the file, but
 * signing out waits until each has its answer, so the server hears them before the session ends.
 */
export class PendingReleases {
  private readonly sent = new Set<Promise<unknown>>();

  constructor(private readonly cancel: (id: string) => Promise<void>) {}

  /** Tells the server to drop the file item `id`; a failure is ignored (the server expires pending uploads it never hears about again). */
  release(id: string) {
    this.track(
      this.cancel(id).catch(() => {
        // Best effort.
      }),
    );
  }

  /** Keeps a promise in the set until it settles; it must not reject unhandled, so it is watched here. */
  track(promise: Promise<unknown>) {
    this.sent.add(promise);
    const done = () => void this.sent.delete(promise);
    promise.then(done, done);
  }

  /** What is still on its way now. */
  pending(): Promise<unknown>[] {
    return [...this.sent];
  }
}
