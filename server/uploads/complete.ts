import "server-only";
import { getOwnedFileItems } from "@/db/queries/file-items";
import { claimFileCompletions, markFilesUploaded, releaseFileCompletion, type PlacedFile } from "@/db/queries/file-item-status";
import type { FileItem, UploadStrategy } from "@/db/schema";
import { AppError, asError } from "@/server/http/app-error";
import { isUuid } from "@/server/http/parse";
import { storageRefusalOf } from "@/server/storage/s3-errors";
import { postCompletion } from "./complete-post";
import { putCompletion } from "./complete-put";
import { discardObjects } from "./discard";
import { multipartCompletion } from "./multipart";
import { requireOwnedFileItem, waitForFileItem } from "./owned";

type Outcome = FileItem | Error;

/** What completing differs in from one strategy to another; the pipeline around the steps is one. */
type CompletionSteps = {
  /** Before any claim: throws when the file item cannot be completed this way (it stays pending). */
  check(item: FileItem): void;
  /** For a claimed file item: checks the stored file and places it at its served key; the checksum to record. */
  place(item: FileItem): Promise<{ checksum: string | null }>;
  /** The file's keys to remove once the file item is marked (`uploaded`), or lost to cleanup meanwhile. */
  leftovers(item: FileItem, uploaded: boolean): string[];
};

const STEPS: Record<UploadStrategy, CompletionSteps> = { post: postCompletion, put: putCompletion, multipart: multipartCompletion };

/** The single complete route's answer: completeUploads for one id, its error thrown. */
export async function completeUpload(id: string, ownerId: string): Promise<FileItem> {
  const [outcome] = await completeUploads([id], ownerId);
  if (outcome instanceof Error) throw outcome;
  return outcome!;
}

/**
 * Marks each file item (of one owner) uploaded only when S3 holds its object with the declared size
 * (and type); answered per id, in order: the file item or its error. One statement reads the file items, one
 * claims every pending one (pending → completing; a second or concurrent complete gets none of
 * them and waits for the outcome, so two completes never both write), each claimed file is
 * checked and placed by its strategy's steps, all at once, one statement marks them uploaded and
 * one request removes what is left. For a folder of small POST uploads that is 3 statements and
 * 2N + 1 storage requests instead of 3N and 3N; of PUT uploads to their final keys, 3 and N. A file's preview is no part of this: it follows
 * once the file is uploaded (server/previews/).
 */
export async function completeUploads(ids: string[], ownerId: string): Promise<Outcome[]> {
  const wanted = ids.map((id) => (isUuid(id) ? id.toLowerCase() : null));
  const items = new Map((await getOwnedFileItems({ ids: unique(wanted), ownerId })).map((item) => [item.id, item]));
  const refused = new Map<string, Error>();
  for (const item of items.values()) {
    if (item.status !== "pending") continue;
    try {
      STEPS[item.strategy].check(item);
    } catch (err) {
      refused.set(item.id, asError(err));
    }
  }
  const claimable = [...items.values()].filter((item) => item.status === "pending" && !refused.has(item.id));
  const claimed = await claimFileCompletions({ ids: claimable.map((item) => item.id), ownerId });
  const finished = await finishClaimed(claimed, items, ownerId);
  return Promise.all(
    wanted.map((id): Outcome | Promise<Outcome> => {
      const item = id ? items.get(id) : undefined;
      if (!id || !item) return new AppError("not_found", "No such upload.");
      return finished.get(id) ?? refused.get(id) ?? answerUnclaimed(item).catch((err: unknown) => asError(err));
    }),
  );
}

/** A file item this call did not claim: uploaded is done; another complete at work (or one that beat this call to the claim) is waited for. */
async function answerUnclaimed(item: FileItem): Promise<FileItem> {
  if (item.status === "uploaded") return item;
  if (item.status === "completing") return outcomeOf(item);
  if (item.status === "pending") return outcomeOf(await requireOwnedFileItem(item.id, item.userId));
  throw new AppError("conflict", `This upload is ${item.status}.`);
}

/**
 * Places every claimed file at once, then marks them in one statement and
 * removes what is left in one request. `before` holds each file item as read before its claim.
 */
async function finishClaimed(claimed: FileItem[], before: Map<string, FileItem>, ownerId: string): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const placed: Array<PlacedFile & { item: FileItem }> = [];
  await Promise.all(
    claimed.map(async (item) => {
      try {
        const { checksum } = await releasingOnFailure(item, before.get(item.id)!.updatedAt, () => STEPS[item.strategy].place(item));
        placed.push({ item, id: item.id, checksum });
      } catch (err) {
        outcomes.set(item.id, asError(err));
      }
    }),
  );
  if (placed.length === 0) return outcomes;
  let uploaded: Map<string, FileItem>;
  try {
    const marked = await markFilesUploaded({ ownerId, files: placed.map(({ id, checksum }) => ({ id, checksum })) });
    uploaded = new Map(marked.map((item) => [item.id, item]));
  } catch (err) {
    // The file items stay as they were (pending again) and the staging objects stay for a retry.
    await Promise.all(placed.map(({ item }) => releaseFileCompletion({ id: item.id, ownerId, updatedAt: before.get(item.id)!.updatedAt }).catch(() => null)));
    for (const { id } of placed) outcomes.set(id, asError(err));
    return outcomes;
  }
  // Only after the file items: had the UPDATE failed, the staging objects would still be there for a retry.
  const leftovers = placed.flatMap(({ item }) => STEPS[item.strategy].leftovers(item, uploaded.has(item.id)));
  await discardObjects(placed.map(({ item }) => item), leftovers);
  for (const { id } of placed) outcomes.set(id, uploaded.get(id) ?? lostToCleanup());
  return outcomes;
}

/**
 * Runs `work` for a claimed file item; a failure other than a 415 (or losing the file item to cleanup) hands
 * the file item back as pending, as it was before (`pendingSince`), so the client can retry, and
 * cleanup gives up on it (aborting its multipart upload) once it is stale. A store's refusal is
 * recorded on it (`storageRefusal`), so the operator sees why it never completed.
 */
async function releasingOnFailure<T>(item: FileItem, pendingSince: Date, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError && (err.code === "unsupported_type" || err.code === "conflict"))) {
      await releaseFileCompletion({ id: item.id, ownerId: item.userId, updatedAt: pendingSince, storageRefusal: storageRefusalOf(err) });
    }
    throw err;
  }
}

function lostToCleanup(): AppError {
  return new AppError("conflict", "This upload was given up on while it completed; upload the file again.");
}

const COMPLETING_POLL_MS = 100;
const COMPLETING_POLLS = 50;

/**
 * The answer for a complete that found another one at work: waits a few seconds for its outcome.
 * Uploaded is this call's answer too; anything else, or no outcome in time, is a 409.
 */
async function outcomeOf(item: FileItem): Promise<FileItem> {
  const current = await waitForFileItem(item, (latest) => latest.status !== "completing", { polls: COMPLETING_POLLS, intervalMs: COMPLETING_POLL_MS });
  if (current.status === "uploaded") return current;
  if (current.status === "completing") throw new AppError("conflict", "Another request is completing this upload; try again shortly.");
  if (current.status === "pending") throw new AppError("upload_incomplete", "The upload could not be completed yet; try again.");
  throw new AppError("conflict", `This upload is ${current.status}.`);
}

function unique(ids: Array<string | null>): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}
