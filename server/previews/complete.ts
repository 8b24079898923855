import "server-only";
import { getOwnedFileItems } from "@/db/queries/file-items";
import { markPreviewsStored, type PreviewSpec } from "@/db/queries/file-item-previews";
import type { FileItem } from "@/db/schema";
import { AppError, asError } from "@/server/http/app-error";
import type { ObjectStart } from "@/server/storage/objects";
import { discardObjects } from "@/server/uploads/discard";
import { placeStagedObject } from "@/server/uploads/staged-object";
import { hasPreview, hasStoredPreview, previewKeyFor, previewStagingKeyFor } from "@/server/uploads/object-keys";
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import { previewBytesProblem } from "./preview-bytes";
import { readNamedFileItems } from "./preview-items";

type Outcome = FileItem | Error;

/** What checking one posted preview came to: copied to its served key, or refused (and whether its staging object goes). */
type Check = { preview: PreviewSpec; copied: true } | { preview: PreviewSpec; copied: false; error: Error; discard: boolean };

/** Why a file item's preview cannot be completed before storage is read, or null when its plan may be checked. */
function refusal(item: FileItem | undefined): AppError | null {
  if (!item) return new AppError("not_found", "No such file.");
  if (item.status !== "uploaded") return new AppError("conflict", `This file is ${item.status}; only an uploaded file gets a preview.`);
  if (!isPreviewable(item.contentType)) return new AppError("not_previewable", `Files of type ${item.contentType} get no preview.`);
  if (!hasPreview(item)) return new AppError("conflict", "No preview is planned for this file: plan one with POST /api/previews first.");
  return null;
}

/** A stored preview must have exactly the planned size and type and be an image of that type. */
async function checkPreviewBytes(preview: PreviewSpec, stored: ObjectStart): Promise<void> {
  if (stored.size !== preview.size || (stored.contentType ?? "").toLowerCase() !== preview.type) {
    throw new AppError("preview_invalid", "The stored preview does not have its planned size and type.");
  }
  const problem = await previewBytesProblem(stored.bytes, preview.type);
  if (problem) throw new AppError("preview_invalid", problem);
}

/**
 * Checks a planned preview like a file at complete and places it at its served key so the object
 * served is the object checked (server/uploads/staged-object.ts: one ranged GET gives the size,
 * the type and the first bytes; the copy is conditional on the version checked, or, where the store
 * has no conditional copy, made first and checked where it landed). A refused preview's staging
 * object goes. A storage failure is this preview's error (logged as the route logs any unknown
 * error), never the batch's.
 */
async function checkAndCopy(item: FileItem): Promise<Check> {
  const preview: PreviewSpec = { id: item.id, size: item.previewSize!, type: item.previewType! };
  const refuse = (error: AppError, discard: boolean): Check => ({ preview, copied: false, error, discard });
  try {
    const placed = await placeStagedObject({ staging: previewStagingKeyFor(item), target: previewKeyFor(item), check: (stored) => checkPreviewBytes(preview, stored) });
    if (placed === "missing") return refuse(new AppError("upload_incomplete", "The preview has not reached storage yet: send it with its form or URL, then complete it."), false);
    if (placed === "changed") return refuse(new AppError("upload_incomplete", "The preview changed in storage while it was checked; complete it again."), false);
    return { preview, copied: true };
  } catch (err) {
    if (err instanceof AppError && err.code === "preview_invalid") return refuse(err, true);
    return { preview, copied: false, error: asError(err), discard: false };
  }
}

/**
 * Why a copied preview was not recorded (its UPDATE found the file item changed), read again: and
 * whether its copy must go. A file item no longer uploaded (deleted meanwhile) or without a plan
 * keeps nothing: its delete may have removed its keys before the copy landed. One planned again
 * keeps the copy, which a complete of the new plan may be overwriting right now (and which goes
 * with the file item or its expired plan otherwise).
 */
function lostRace(now: FileItem | undefined): { error: AppError; discard: boolean } {
  if (!now) return { error: new AppError("not_found", "No such file."), discard: true };
  if (now.status !== "uploaded") return { error: new AppError("conflict", `This file is ${now.status}.`), discard: true };
  if (!hasPreview(now)) return { error: new AppError("conflict", "This file's preview plan expired while it was checked; plan it again."), discard: true };
  return { error: new AppError("conflict", "This file's preview was planned again while it was checked; complete the new plan."), discard: false };
}

/**
 * POST /api/previews/complete: one statement reads the caller's file items; each planned preview
 * is checked and copied (all at once); one guarded UPDATE records every copied preview as stored;
 * one DeleteObjects removes the staging objects and any copy whose file item changed meanwhile.
 * A preview already stored is answered again without touching storage. Per id, in order: the
 * file item with its stored preview, or why its preview is not.
 */
export async function completePreviews(ownerId: string, fileItemIds: string[]): Promise<Outcome[]> {
  const { ids: wanted, items } = await readNamedFileItems(ownerId, fileItemIds);
  const outcomes = new Map<string, Outcome>();
  const toCheck: FileItem[] = [];
  for (const item of items.values()) {
    const refused = refusal(item);
    if (refused) outcomes.set(item.id, refused);
    else if (hasStoredPreview(item)) outcomes.set(item.id, item);
    else toCheck.push(item);
  }
  const checks = await Promise.all(toCheck.map(checkAndCopy));
  await recordChecked(ownerId, checks, outcomes);
  return wanted.map((id) => (id && outcomes.get(id)) || refusal(undefined)!);
}

/** Records the copied previews in one UPDATE, then removes what is left in one request; fills `outcomes`. */
async function recordChecked(ownerId: string, checks: Check[], outcomes: Map<string, Outcome>): Promise<void> {
  const copied = checks.filter((check) => check.copied).map((check) => check.preview);
  const leftovers: string[] = [];
  for (const check of checks) {
    if (check.copied) continue;
    outcomes.set(check.preview.id, check.error);
    if (check.discard) leftovers.push(previewStagingKeyFor({ userId: ownerId, id: check.preview.id }));
  }
  let stored: FileItem[];
  try {
    stored = await markPreviewsStored({ ownerId, previews: copied });
  } catch (err) {
    // Nothing is recorded: the staging objects stay for a retry, and the copies are not served.
    for (const preview of copied) outcomes.set(preview.id, asError(err));
    return discardObjects([], leftovers);
  }
  for (const item of stored) {
    outcomes.set(item.id, item);
    leftovers.push(previewStagingKeyFor(item));
  }
  const lost = copied.filter((preview) => !outcomes.has(preview.id));
  try {
    const now = new Map((await getOwnedFileItems({ ids: lost.map((preview) => preview.id), ownerId })).map((item) => [item.id, item]));
    for (const { id } of lost) {
      const { error, discard } = lostRace(now.get(id));
      outcomes.set(id, error);
      if (discard) leftovers.push(previewStagingKeyFor({ userId: ownerId, id }), previewKeyFor({ userId: ownerId, id }));
    }
  } catch (err) {
    // Unknown now: the copies stay (cleanup's sweep of ended file items, or the file item's delete, removes them).
    for (const { id } of lost) outcomes.set(id, asError(err));
  }
  await discardObjects(stored, leftovers);
}
