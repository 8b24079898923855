import "server-only";
import { claimFileCompletions, getOwnedFileItems, markFilesUploaded, releaseFileCompletion } from "@/db/queries/file-items";
import type { FileItem } from "@/db/schema";
import { AppError, asError } from "@/server/http/app-error";
import { isUuid } from "@/server/http/parse";
import { deleteObjects } from "@/server/storage/objects";
import { completeUpload, lostToCleanup, releasingOnFailure, verifyAndPlacePost } from "./complete";
import { stagingKeyFor } from "./object-keys";
import { placePreview, previewLeftovers } from "./preview-complete";

type Outcome = FileItem | Error;

/**
 * completeUpload for each id (of one owner), answered per id in order: the row or its error.
 *
 * Pending POST uploads, nearly all of a batch, go together: one statement reads the rows, one
 * claims them, each is verified and copied to its served key (two storage requests per file, at
 * once; a planned preview the same way, two more), one statement marks the copied ones uploaded
 * (keeping or dropping each preview) and one DeleteObjects removes their staging objects. That is
 * 3 statements and 2N + 1 storage requests (plus 2 per preview) instead of 3N and 3N, which is
 * what a folder of small files spends its server time on. Anything else (multipart, another
 * complete at work, already uploaded, not pending) takes the single path, with the same rules.
 */
export async function completeUploads(ids: string[], ownerId: string): Promise<Outcome[]> {
  const wanted = ids.map((id) => (isUuid(id) ? id.toLowerCase() : null));
  const rows = new Map((await getOwnedFileItems({ ids: unique(wanted), ownerId })).map((row) => [row.id, row]));
  const batchable = [...rows.values()].filter((row) => row.status === "pending" && row.strategy === "post");
  const claimed = await claimFileCompletions({ ids: batchable.map((row) => row.id), ownerId });
  const finished = await finishClaimedPosts(claimed, rows, ownerId);
  return Promise.all(
    wanted.map((id): Outcome | Promise<Outcome> => {
      const row = id ? rows.get(id) : undefined;
      if (!id || !row) return new AppError("not_found", "No such upload.");
      const done = finished.get(id);
      if (done) return done;
      if (row.status === "uploaded") return row;
      return completeUpload(id, ownerId).catch((err: unknown) => asError(err));
    }),
  );
}

/**
 * Verifies and places every claimed POST upload (and its preview) at once, then marks and cleans
 * up in one statement and one request.
 */
async function finishClaimedPosts(claimed: FileItem[], before: Map<string, FileItem>, ownerId: string): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const placed: FileItem[] = [];
  /** Rows whose preview was checked and copied: they keep it, every other row's plan is dropped. */
  const previewed = new Set<string>();
  await Promise.all(
    claimed.map(async (item) => {
      try {
        await releasingOnFailure(item, before.get(item.id)!.updatedAt, () => verifyAndPlacePost(item));
        if (await placePreview(item)) previewed.add(item.id);
        placed.push(item);
      } catch (err) {
        outcomes.set(item.id, asError(err));
      }
    }),
  );
  if (placed.length === 0) return outcomes;
  let uploaded: Map<string, FileItem>;
  try {
    const marked = await markFilesUploaded({ ids: placed.map((item) => item.id), ownerId, withPreview: [...previewed] });
    uploaded = new Map(marked.map((row) => [row.id, row]));
  } catch (err) {
    // The rows stay as they were (pending again) and the staging objects stay for a retry.
    await Promise.all(placed.map((item) => releaseFileCompletion({ id: item.id, ownerId, updatedAt: before.get(item.id)!.updatedAt }).catch(() => null)));
    for (const item of placed) outcomes.set(item.id, asError(err));
    return outcomes;
  }
  // Uploaded: the staging objects go. Lost to cleanup meanwhile: the copies just made go.
  const leftovers = placed.flatMap((item) => {
    const marked = uploaded.has(item.id);
    return [marked ? stagingKeyFor(item) : item.key, ...previewLeftovers(item, previewed.has(item.id), marked)];
  });
  await removeQuietly(leftovers);
  for (const item of placed) outcomes.set(item.id, uploaded.get(item.id) ?? lostToCleanup());
  return outcomes;
}

/** A failed removal is logged, not answered: cleanup removes staging objects of ended rows and stray copies. */
async function removeQuietly(keys: string[]): Promise<void> {
  try {
    const failed = await deleteObjects(keys);
    if (failed.length > 0) console.error("Removing staging objects failed; cleanup will retry", { keys: failed });
  } catch (err) {
    console.error("Removing staging objects failed; cleanup will retry", { count: keys.length, err });
  }
}

function unique(ids: Array<string | null>): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}
