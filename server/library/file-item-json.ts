import "server-only";
import type { FileItem } from "@/db/schema";
import type { FileItemJson } from "@/lib/contracts/upload-schemas";
import { isPreviewable } from "@/lib/contracts/preview-schemas";
import { hasStoredPreview } from "@/server/uploads/object-keys";

/**
 * What the API shows of a file item: never the S3 key, the upload id or the owner. `previewUrl` is
 * signed by the caller that shows previews (server/library/file-urls.ts); `previewWanted` asks a page
 * that shows an uploaded file of a previewable type to make its missing preview (planned or not,
 * until one is stored), unless a page reported that its picture would not decode (previewFailedAt).
 */
export function toFileItemJson(item: FileItem, previewUrl: string | null = null): FileItemJson {
  return {
    id: item.id,
    name: item.name,
    path: item.path,
    size: item.size,
    type: item.contentType,
    // A complete in progress is still pending to the client: it learns the outcome from that complete.
    status: item.status === "completing" ? "pending" : item.status,
    createdAt: item.createdAt.toISOString(),
    uploadedAt: item.uploadedAt?.toISOString() ?? null,
    checksum: item.checksum,
    previewUrl,
    previewWanted: item.status === "uploaded" && !hasStoredPreview(item) && !item.previewFailedAt && isPreviewable(item.contentType),
  };
}
