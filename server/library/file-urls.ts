import "server-only";
import type { FileItem } from "@/db/schema";
import { inlineMediaKind } from "@/lib/contracts/preview-schemas";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { presignDownloadUrl, presignInlineUrl } from "@/server/storage/objects";
import { hasStoredPreview, previewKeyFor } from "@/server/uploads/object-keys";
import { toFileItemJson } from "./file-item-json";

/** A preview URL is good for about this long: a page of thumbnails, not a link to pass on. */
export const PREVIEW_URL_TTL_SECONDS = 300;
/** Preview URLs are signed as of the start of the minute, so a list fetched again within it reuses the browser's cached images. */
const PREVIEW_SIGNING_STEP_MS = 60_000;
/**
 * A lightbox URL lives longer than a download's: a video asks for ranges of itself as it plays,
 * each checked against the signature's expiry. Still within the 15 minutes every signed URL keeps to.
 */
export const VIEW_URL_TTL_SECONDS = 600;
/** Download URLs are short-lived: long enough to start the transfer, too short to share. */
export const DOWNLOAD_URL_TTL_SECONDS = 120;

export function isInlineMedia(type: string): boolean {
  return inlineMediaKind(type) !== null;
}

/**
 * A presigned GET of an uploaded file's stored preview (checked and copied to its served key;
 * inline, its recorded image type), or null without one: a preview only planned is never signed.
 */
export async function previewUrlOf(item: Pick<FileItem, "status" | "userId" | "id" | "previewType" | "previewStoredAt">, now = Date.now()): Promise<string | null> {
  if (item.status !== "uploaded" || !hasStoredPreview(item)) return null;
  const signedAt = new Date(now - (now % PREVIEW_SIGNING_STEP_MS));
  return presignInlineUrl({
    key: previewKeyFor(item),
    contentType: item.previewType!,
    // Valid for at least PREVIEW_URL_TTL_SECONDS from now, whenever in the minute it was signed.
    expiresInSeconds: PREVIEW_URL_TTL_SECONDS + PREVIEW_SIGNING_STEP_MS / 1000,
    signedAt,
    cacheSeconds: PREVIEW_URL_TTL_SECONDS,
  });
}

/** toFileItemJson with its `previewUrl` signed: what the library and complete answer. */
export async function toFileItemJsonWithPreview(item: FileItem): Promise<FileItemJson> {
  return toFileItemJson(item, await previewUrlOf(item));
}

/** The file as an attachment: every type, never rendered by the browser. */
export function attachmentUrlOf(item: FileItem): Promise<string> {
  return presignDownloadUrl({ key: item.key, fileName: item.name, contentType: item.contentType, expiresInSeconds: DOWNLOAD_URL_TTL_SECONDS });
}

/** What a lightbox opens: allowlisted media inline with the stored type, anything else as the download would serve it. */
export function viewUrlOf(item: FileItem): Promise<string> {
  if (!isInlineMedia(item.contentType)) return attachmentUrlOf(item);
  return presignInlineUrl({ key: item.key, fileName: item.name, contentType: item.contentType, expiresInSeconds: VIEW_URL_TTL_SECONDS });
}
