/**
 * One preview's request to storage (its form POST, or its presigned PUT on stores without POST
 * Object), through the connection pool every file shares (a preview waits its turn like a file,
 * and never opens more connections than the page allows). A transient failure is sent again as a
 * file's request would be (client/retry-policy.ts); anything else, an expired signature included,
 * is no preview.
 */
import { waitUnlessAborted } from "@/client/api/api-retry";
import type { ConnectionPool } from "@/client/connection-pool";
import type { PostTransport } from "@/client/post/post-transport";
import type { PutTransport } from "@/client/put/put-transport";
import { decideRetry, failureOf, isPolicyExpired } from "@/client/retry-policy";
import type { SingleUploadTarget } from "@/lib/contracts/upload-schemas";

export type PreviewPostDeps = { pool: ConnectionPool; post: PostTransport; putFile: PutTransport };

/** True once storage holds the preview; false when it never will. Never rejects. */
export async function postPreview({ pool, post, putFile }: PreviewPostDeps, target: SingleUploadTarget, blob: Blob, signal: AbortSignal): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const release = await pool.acquire(signal);
      try {
        if (target.strategy === "put") await putFile(target, blob, { signal });
        else await post(target, blob, { signal });
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
