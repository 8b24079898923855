import "server-only";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { copyObjectIfMatch, readObjectStart } from "@/server/storage/objects";
import { rejectIfContentMismatch } from "./content-check";
import { SNIFF_BYTES } from "./content-sniff";
import { keysOf, stagingKeyFor } from "./object-keys";

/**
 * Completing a POST upload (server/uploads/complete.ts runs the steps). One ranged GET of the
 * staging object gives the size, the type, the bytes the content check reads and the ETag of that
 * version; CopyObject on to the final key only if the staging object is still that version, so
 * the object served is the object checked. A browser POST carries no checksum field, so S3 has
 * none of ours to report for it; the size is the file item's, which the stored object was just found to have.
 */
export const postCompletion = {
  check(): void {},

  async place(item: FileItem): Promise<{ checksum: string | null }> {
    const staging = stagingKeyFor(item);
    const stored = await readObjectStart(staging, SNIFF_BYTES);
    if (!stored) throw new AppError("upload_incomplete", "The file has not reached storage yet.");
    if (stored.size !== item.size || (stored.contentType ?? "").toLowerCase() !== item.contentType) {
      throw new AppError("upload_incomplete", "The stored file does not match the declared size and type.");
    }
    await rejectIfContentMismatch(item, stored.bytes, keysOf(item));
    if (!stored.etag || !(await copyObjectIfMatch({ source: staging, target: item.key, etag: stored.etag }))) {
      throw new AppError("upload_incomplete", "The file changed in storage while it was checked; complete it again.");
    }
    return { checksum: null };
  },

  /** Once marked, the staging object goes; a file item lost to cleanup meanwhile loses the copy just made. */
  leftovers(item: FileItem, uploaded: boolean): string[] {
    return [uploaded ? stagingKeyFor(item) : item.key];
  },
};
