import "server-only";
import { listDueHolds, releaseHolds } from "@/db/queries/file-item-holds";
import { deleteObjects } from "@/server/storage/objects";
import type { FileItem } from "@/db/schema";
import { formBindsSha256, previewStagingKeyFor, stagingKeyFor } from "./object-keys";

/**
 * A POST begun just before its form expired is checked by S3 at its start and may land later:
 * a hold is released this long after its form expired (and S3's clock may run a little behind ours).
 * What lands even later is a stray staging object, which cleanup removes.
 */
export const STAGING_HOLD_GRACE_MS = 5 * 60_000;
/**
 * The keys a file's expired form or URL could have written: its staging key, and for an upload that
 * ended without its bytes being served (cancelled, aborted, rejected, deleted) by a PUT or a form
 * bound to its SHA-256 its final key too, which a final-key PUT URL (If-None-Match: *) or that form
 * could write again once the key was emptied.
 */
function heldKeysOf(item: FileItem): string[] {
  const ended = item.status !== "uploaded" && item.status !== "pending" && item.status !== "completing";
  const finalKeyWritable = item.strategy === "put" || formBindsSha256(item);
  return finalKeyWritable && ended ? [stagingKeyFor(item), item.key] : [stagingKeyFor(item)];
}

/** Holds released per call; cleanup runs again, and a create asks again on its next refusal. */
const BATCH = 500;

/**
 * Releases staging holds (file-item-quota.ts) whose forms expired at least STAGING_HOLD_GRACE_MS
 * ago: the owner's (a create or a preview plan the quota refused) or everyone's (cleanup). Their
 * staging keys are emptied first, then the holds are cleared, each only if it is still due; a key
 * storage failed to remove keeps its hold. The number of holds released.
 */
export async function releaseStagingHolds({ ownerId, now = new Date() }: { ownerId?: string; now?: Date } = {}): Promise<number> {
  const before = new Date(now.getTime() - STAGING_HOLD_GRACE_MS);
  const due = await listDueHolds({ ownerId, before, limit: BATCH });
  if (due.length === 0) return 0;
  const keys = due.flatMap(({ item, file, preview }) => [...(file ? heldKeysOf(item) : []), ...(preview ? [previewStagingKeyFor(item)] : [])]);
  let failed: Set<string>;
  try {
    failed = new Set(await deleteObjects(keys));
  } catch (err) {
    console.error("Emptying staging keys failed; their holds stay counted", { ownerId, err });
    return 0;
  }
  if (failed.size > 0) console.error("Emptying staging keys failed; their holds stay counted", { ownerId, keys: [...failed] });
  return releaseHolds({
    files: due.filter(({ item, file }) => file && !heldKeysOf(item).some((key) => failed.has(key))).map(({ item }) => item.id),
    previews: due.filter(({ item, preview }) => preview && !failed.has(previewStagingKeyFor(item))).map(({ item }) => item.id),
    before,
  });
}
