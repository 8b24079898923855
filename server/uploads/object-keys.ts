import "server-only";
import type { FileItem } from "@/db/schema";
import { safeExtension } from "@/lib/upload-rules";

/** Where files live once complete: only the server writes here after a POST upload (CopyObject). */
export const FINAL_PREFIX = "u/";
/** Where signed POST forms write; complete copies the checked bytes on to the final key. */
export const STAGING_PREFIX = "staging/";

/** `u/<userId>/<fileId><.ext>`: generated here, so no user input ever reaches the key. */
export function objectKeyFor(userId: string, fileId: string, name: string, type: string): string {
  return `${FINAL_PREFIX}${userId}/${fileId}${safeExtension(name, type)}`;
}

/** `staging/<userId>/<fileId>`: the only key a POST form ever names. */
export function stagingKeyFor(item: Pick<FileItem, "userId" | "id">): string {
  return `${STAGING_PREFIX}${item.userId}/${item.id}`;
}

/** The file id a staging key names, or null for anything else under the prefix. */
export function fileIdOfStagingKey(key: string): string | null {
  const match = /^staging\/[0-9a-f-]{36}\/([0-9a-f-]{36})$/.exec(key);
  return match?.[1] ?? null;
}

/** The staging prefix that matches a final-key prefix: `u/` → `staging/`, `u/<userId>/` → `staging/<userId>/`. */
export function stagingPrefixFor(finalPrefix: string): string | null {
  return finalPrefix.startsWith(FINAL_PREFIX) ? STAGING_PREFIX + finalPrefix.slice(FINAL_PREFIX.length) : null;
}

/** Every key an upload may have written: its final key and, for a POST upload, its staging key. */
export function keysOf(item: FileItem): string[] {
  return item.strategy === "post" ? [item.key, stagingKeyFor(item)] : [item.key];
}
