import "server-only";
import type { FileItem } from "@/db/schema";
import { copyObjectIfMatch, readObjectStart } from "@/server/storage/objects";
import { contentMismatch, SNIFF_BYTES } from "./content-sniff";
import { hasPreview, previewKeyFor, previewStagingKeyFor } from "./object-keys";
import { hasSignatureOf } from "./signatures";

/**
 * Why a preview's first bytes are not an image of `type`, or null when they are: the type's own
 * signature is required (RIFF…WEBP, FF D8 FF), and nothing file-type recognises as another format.
 */
export async function previewBytesProblem(bytes: Uint8Array, type: string): Promise<string | null> {
  if (hasSignatureOf(type, bytes) !== true) return `The preview does not start like ${type}.`;
  return contentMismatch(bytes, type);
}

/**
 * For a claimed file item whose file is verified and placed: checks its planned preview like the file
 * (one ranged GET: the planned size and type, the bytes really an image of that type) and copies
 * it to its served key if the staging object is still the version checked. True when the file item may
 * keep its preview. Never throws: a missing, wrong or unreadable preview is dropped (logged when
 * storage failed), and the file completes without it.
 */
export async function placePreview(item: FileItem): Promise<boolean> {
  if (!hasPreview(item)) return false;
  const staging = previewStagingKeyFor(item);
  try {
    const stored = await readObjectStart(staging, SNIFF_BYTES);
    if (!stored?.etag || stored.size !== item.previewSize || (stored.contentType ?? "").toLowerCase() !== item.previewType) return false;
    if (await previewBytesProblem(stored.bytes, item.previewType!)) return false;
    return await copyObjectIfMatch({ source: staging, target: previewKeyFor(item), etag: stored.etag });
  } catch (err) {
    console.error("Checking an upload's preview failed; the file completes without it", { fileId: item.id, err });
    return false;
  }
}

/**
 * What of the preview goes once the file item is marked: its staging object always; its served copy
 * too when the file item did not keep it (dropped, or the file item was lost to cleanup). Nothing without a plan.
 */
export function previewLeftovers(item: FileItem, kept: boolean, uploaded: boolean): string[] {
  if (!hasPreview(item)) return [];
  return kept && uploaded ? [previewStagingKeyFor(item)] : [previewStagingKeyFor(item), previewKeyFor(item)];
}
