/**
 * One preview's form POST to storage, through the connection pool every file shares (a preview
 * waits its turn like a file, and never opens more connections than the page allows). A transient
 * failure is sent again as a file's POST would be (client/retry-policy.ts); anything else, an
 * expired policy included, is no preview.
 */
import { waitUnlessAborted } from "@/client/api/api-retry";
import type { ConnectionPool } from "@/client/connection-pool";
import type { PostTransport } from "@/client/post/post-transport";
import { decideRetry, failureOf, isPolicyExpired } from "@/client/retry-policy";
import type { PostUploadTarget } from "@/lib/contracts/upload-schemas";

export type PreviewPostDeps = { pool: ConnectionPool; post: PostTransport };

/** True once storage holds the preview; false when it never will. Never rejects. */
export async function postPreview({ pool, post }: PreviewPostDeps, target: PostUploadTarget, blob: Blob, signal: AbortSignal): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const release = await pool.acquire(signal);
      try {
        await post(target, blob, { signal });
      } finally {
        release();
      }
      return true;
    } catch (err) {
      const failure = failureOf(err);
      const decision = signal.aborted || !failure ? null : decideRetry("post", failure, attempt, Math.random(), isPolicyExpired(target.expiresAt, Date.now()));
      if (decision?.action !== "retry") {
        if (!signal.aborted) console.debug("Preview not stored:", err);
        return false;
      }
      try {
        await waitUnlessAborted(decision.delayMs, signal);
      } catch {
        return false;
      }
    }
  }
}
