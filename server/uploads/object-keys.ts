import "server-only";
import type { FileItem } from "@/db/schema";
import { safeExtension } from "@/lib/upload-rules";
import { isPreviewable } from "@/lib/contracts/preview-schemas";

/**
 * Where files live once complete. Browsers write here only through a PUT URL with
 * `If-None-Match: *` (once), a POST form bound to the file's SHA-256 (only those bytes, ever) or a
 * multipart upload's part URLs; any other POST's or a staged PUT's bytes are copied here by the
 * server (CopyObject).
 */
export const FINAL_PREFIX = "u/";
/** Where signed POST forms and staged PUT URLs write; complete copies the checked bytes on to the final key. */
export const STAGING_PREFIX = "staging/";

/**
 * Where `s3:setup` and the health check try the store's abilities with tiny objects, removed at
 * once (server/storage/ability-probes.ts): under staging/, which the app's credentials may write and
 * the staging expiry rule sweeps; never a user's id, so cleanup's staging sweep leaves it alone.
 */
export const PROBE_PREFIX = `${STAGING_PREFIX}probes/`;

/** `u/<userId>/<fileId><.ext>`: generated here, so no user input ever reaches the key. */
export function objectKeyFor(userId: string, fileId: string, name: string, type: string): string {
  return `${FINAL_PREFIX}${userId}/${fileId}${safeExtension(name, type)}`;
}

/** `staging/<userId>/<fileId>`: the only key a file's unbound POST form or staged PUT URL ever names. */
export function stagingKeyFor(item: Pick<FileItem, "userId" | "id">): string {
  return `${STAGING_PREFIX}${item.userId}/${item.id}`;
}

/** How a file item records the SHA-256 its POST form binds, as S3 reports checksums: `SHA256:<base64>`. */
export const SHA256_CHECKSUM_PREFIX = "SHA256:";

/**
 * Whether a POST upload's form binds the file's SHA-256 (the create carried it, and the store checks
 * it, S3_POST_CHECKSUM): the store takes no other bytes from it, so it names the final key, and
 * complete checks the bytes there with nothing to copy (complete-post.ts).
 */
export function formBindsSha256(item: Pick<FileItem, "strategy" | "checksum">): boolean {
  return item.strategy === "post" && item.checksum?.startsWith(SHA256_CHECKSUM_PREFIX) === true;
}

/** What a preview's keys add to its file's id: one preview per file, whatever its type. */
const PREVIEW_SUFFIX = ".preview";

/** `staging/<userId>/<fileId>.preview`: the only key a preview's POST form or PUT URL ever names. */
export function previewStagingKeyFor(item: Pick<FileItem, "userId" | "id">): string {
  return `${stagingKeyFor(item)}${PREVIEW_SUFFIX}`;
}

/**
 * `u/<userId>/<fileId>.preview`: where a preview's complete copies it once checked. One key
 * whatever the preview's type (it is served with the type recorded), so a plan that changes type
 * between two tries never leaves a copy of the other type behind. No file key ends this way: a
 * file's extension comes from the allowlist table.
 */
export function previewKeyFor(item: Pick<FileItem, "userId" | "id">): string {
  return `${FINAL_PREFIX}${item.userId}/${item.id}${PREVIEW_SUFFIX}`;
}

/** The file id a staging key (a file's or its preview's) names, or null for anything else under the prefix. */
export function fileIdOfStagingKey(key: string): string | null {
  const match = /^staging\/[0-9a-f-]{36}\/([0-9a-f-]{36})(?:\.preview)?$/.exec(key);
  return match?.[1] ?? null;
}

/** Whether a staging key is a preview's (else a file's). */
export function isPreviewStagingKey(key: string): boolean {
  return key.endsWith(PREVIEW_SUFFIX);
}

/** The staging prefix that matches a final-key prefix: `u/` → `staging/`, `u/<userId>/` → `staging/<userId>/`. */
export function stagingPrefixFor(finalPrefix: string): string | null {
  return finalPrefix.startsWith(FINAL_PREFIX) ? STAGING_PREFIX + finalPrefix.slice(FINAL_PREFIX.length) : null;
}

/** Whether the uploaded file item names a preview: planned (its form signed) or stored. */
export function hasPreview(item: Pick<FileItem, "previewType">): boolean {
  return item.previewType !== null;
}

/** Whether the file item's preview was checked and stored at its served key: only then is it served. */
export function hasStoredPreview(item: Pick<FileItem, "previewType" | "previewStoredAt">): boolean {
  return hasPreview(item) && item.previewStoredAt !== null;
}

/** The keys an uploaded file may be served from: its own and, with a preview planned or stored, the preview's. */
export function servedKeysOf(item: FileItem): string[] {
  return hasPreview(item) ? [item.key, previewKeyFor(item)] : [item.key];
}

/**
 * Every key an upload may have written: its final key, for a POST or PUT upload its staging key
 * (a PUT's URL names one or the other, as S3_CONDITIONAL_WRITE said when it was signed), and for
 * a file of a type that gets previews (or one that names a preview) the preview's staging and served
 * keys, whether or not a plan is recorded now: a copy made by a preview's complete that lost a race
 * still goes with its file.
 */
export function keysOf(item: FileItem): string[] {
  const file = item.strategy === "multipart" ? [item.key] : [item.key, stagingKeyFor(item)];
  return hasPreview(item) || isPreviewable(item.contentType) ? [...file, previewKeyFor(item), previewStagingKeyFor(item)] : file;
}
