import "server-only";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { checkStoredFile } from "./content-check";
import { stagingKeyFor } from "./object-keys";
import { placeStagedObject } from "./staged-object";

/**
 * Checks what the browser wrote at the file item's staging key (size, type, first bytes) and places
 * it at its final key so the object served is the object checked (staged-object.ts); a POST's,
 * and a PUT's on stores without conditional writes (complete-put.ts).
 */
export async function placeStagedFile(item: FileItem): Promise<void> {
  const placed = await placeStagedObject({ staging: stagingKeyFor(item), target: item.key, check: (stored) => checkStoredFile(item, stored) });
  if (placed === "missing") throw new AppError("upload_incomplete", "The file has not reached storage yet.");
  if (placed === "changed") throw new AppError("upload_incomplete", "The file changed in storage while it was checked; complete it again.");
}

/**
 * Completing a POST upload (server/uploads/complete.ts runs the steps): the staging object is
 * checked and placed (placeStagedFile). A browser POST carries no checksum field, so S3 has none
 * of ours to report for it; the size is the file item's, which the stored object was just found to have.
 */
export const postCompletion = {
  check(): void {},

  async place(item: FileItem): Promise<{ checksum: string | null }> {
    await placeStagedFile(item);
    return { checksum: null };
  },

  /** Once marked, the staging object goes; a file item lost to cleanup meanwhile loses the copy just made. */
  leftovers(item: FileItem, uploaded: boolean): string[] {
    return [uploaded ? stagingKeyFor(item) : item.key];
  },
};
