import "server-only";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { readObjectStart } from "@/server/storage/objects";
import { checkStoredFile } from "./content-check";
import { SNIFF_BYTES } from "./content-sniff";
import { discardObjects } from "./discard";
import { formBindsSha256, stagingKeyFor } from "./object-keys";
import { placeStagedObject } from "./staged-object";

/**
 * Checks what the browser wrote at the file item's staging key (size, type, first bytes) and places
 * it at its final key so the object served is the object checked (staged-object.ts); an unbound
 * POST's, and a PUT's on stores without conditional writes (complete-put.ts).
 */
export async function placeStagedFile(item: FileItem): Promise<void> {
  const placed = await placeStagedObject({ staging: stagingKeyFor(item), target: item.key, check: (stored) => checkStoredFile(item, stored) });
  if (placed === "missing") throw new AppError("upload_incomplete", "The file has not reached storage yet.");
  if (placed === "changed") throw new AppError("upload_incomplete", "The file changed in storage while it was checked; complete it again.");
}

/**
 * Checks what the browser wrote at the file item's final key, where only a form or URL that can
 * never replace it (bound to the file's SHA-256, or If-None-Match: *) writes: one ranged GET checks
 * the size, the type and the first bytes where they are served, with nothing to copy and nothing to
 * delete. A refused object is removed (a file of another type goes with its rejected file item; one
 * of another size or type leaves the file item pending for the right bytes).
 */
export async function checkFileAtFinalKey(item: FileItem): Promise<void> {
  const stored = await readObjectStart(item.key, SNIFF_BYTES);
  if (!stored) throw new AppError("upload_incomplete", "The file has not reached storage yet.");
  try {
    await checkStoredFile(item, stored);
  } catch (err) {
    if (err instanceof AppError && err.code === "upload_incomplete") await discardObjects(item, [item.key]);
    throw err;
  }
}

/**
 * Completing a POST upload (server/uploads/complete.ts runs the steps). A form bound to the file's
 * SHA-256 wrote the final key, checked there (checkFileAtFinalKey); its checksum is that SHA-256,
 * which the store checked the body against. Any other form wrote the staging key, checked and placed
 * (placeStagedFile); it carries no checksum, so S3 has none of ours to report. Either way the size
 * is the file item's, which the stored object was just found to have.
 */
export const postCompletion = {
  check(): void {},

  async place(item: FileItem): Promise<{ checksum: string | null }> {
    if (formBindsSha256(item)) {
      await checkFileAtFinalKey(item);
      return { checksum: item.checksum };
    }
    await placeStagedFile(item);
    return { checksum: null };
  },

  /**
   * Once marked, the staging object goes (the final key's object, when not marked: a file item lost to
   * cleanup meanwhile loses the copy just made). A bound form left nothing at the staging key.
   */
  leftovers(item: FileItem, uploaded: boolean): string[] {
    if (formBindsSha256(item)) return uploaded ? [] : [item.key];
    return [uploaded ? stagingKeyFor(item) : item.key];
  },
};
