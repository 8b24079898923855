import "server-only";
import type { FileItem } from "@/db/schema";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { readObjectStart } from "@/server/storage/objects";
import { placeStagedFile, postCompletion } from "./complete-post";
import { checkStoredFile } from "./content-check";
import { SNIFF_BYTES } from "./content-sniff";
import { discardObjects } from "./discard";

/**
 * Whether a PUT URL names the file's final key: where the store honours `If-None-Match: *` on
 * PutObject (S3_CONDITIONAL_WRITE), the URL writes it once and can never replace what is there;
 * elsewhere it names the staging key, and complete copies the checked bytes on, as for a POST.
 */
export function putWritesFinalKey(): boolean {
  return getEnv().storeAbilities.conditionalWrite;
}

/**
 * Completing a PUT upload (server/uploads/complete.ts runs the steps). At the final key: one
 * ranged GET checks the size, the type and the first bytes where they are served, with nothing to
 * copy and nothing to delete; a refused object is removed (a file of another type goes with its
 * rejected file item; one of another size or type leaves the file item pending for a PUT of the right
 * bytes). At the staging key: as a POST (placeStagedFile). The checksum is the CRC32 the URL signed
 * (recorded at create): storage took no other bytes.
 */
export const putCompletion = {
  check(): void {},

  async place(item: FileItem): Promise<{ checksum: string | null }> {
    if (!putWritesFinalKey()) {
      await placeStagedFile(item);
      return { checksum: item.checksum };
    }
    const stored = await readObjectStart(item.key, SNIFF_BYTES);
    if (!stored) throw new AppError("upload_incomplete", "The file has not reached storage yet.");
    try {
      await checkStoredFile(item, stored);
    } catch (err) {
      if (err instanceof AppError && err.code === "upload_incomplete") await discardObjects(item, [item.key]);
      throw err;
    }
    return { checksum: item.checksum };
  },

  /** At the final key nothing is left once marked, and a file item lost to cleanup meanwhile loses its object; staged, as a POST. */
  leftovers(item: FileItem, uploaded: boolean): string[] {
    if (!putWritesFinalKey()) return postCompletion.leftovers(item, uploaded);
    return uploaded ? [] : [item.key];
  },
};
