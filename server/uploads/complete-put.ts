import "server-only";
import type { FileItem } from "@/db/schema";
import { getEnv } from "@/server/env";
import { checkFileAtFinalKey, placeStagedFile, postCompletion } from "./complete-post";

/**
 * Whether a PUT URL names the file's final key: where the store honours `If-None-Match: *` on
 * PutObject (S3_CONDITIONAL_WRITE), the URL writes it once and can never replace what is there;
 * elsewhere it names the staging key, and complete copies the checked bytes on, as for a POST.
 */
export function putWritesFinalKey(): boolean {
  return getEnv().storeAbilities.conditionalWrite;
}

/**
 * Completing a PUT upload (server/uploads/complete.ts runs the steps): at the final key, checked
 * there (checkFileAtFinalKey); at the staging key, as an unbound POST (placeStagedFile). The
 * checksum is the CRC32 the URL signed (recorded at create): storage took no other bytes.
 */
export const putCompletion = {
  check(): void {},

  async place(item: FileItem): Promise<{ checksum: string | null }> {
    if (!putWritesFinalKey()) {
      await placeStagedFile(item);
      return { checksum: item.checksum };
    }
    await checkFileAtFinalKey(item);
    return { checksum: item.checksum };
  },

  /** At the final key nothing is left once marked, and a file item lost to cleanup meanwhile loses its object; staged, as a POST. */
  leftovers(item: FileItem, uploaded: boolean): string[] {
    if (!putWritesFinalKey()) return postCompletion.leftovers(item, uploaded);
    return uploaded ? [] : [item.key];
  },
};
