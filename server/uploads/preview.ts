import "server-only";
import { planFilePreview } from "@/db/queries/file-item-status";
import type { FileItem } from "@/db/schema";
import { AppError } from "@/server/http/app-error";
import { getEnv } from "@/server/env";
import { formatBytes } from "@/lib/upload-rules";
import { isPreviewable, isPreviewType, PREVIEW_MAX_BYTES, PREVIEW_TYPES, type PlanPreviewBody } from "@/lib/contracts/preview-schemas";
import type { PostUploadTarget } from "@/lib/contracts/upload-schemas";
import { signUploadPost } from "@/server/storage/post-policy";
import { previewStagingKeyFor } from "./object-keys";

/**
 * Checks a `POST /api/uploads/{id}/preview` against the upload and the preview rules, before any
 * budget is spent: the upload must be pending (409), of a type that gets previews (409
 * not_previewable), and the preview one of PREVIEW_TYPES (415) of at most PREVIEW_MAX_BYTES (413).
 */
export function checkPreviewRequest(item: FileItem, body: PlanPreviewBody): void {
  if (item.status !== "pending") throw new AppError("conflict", `This upload is ${item.status}; previews are planned before complete.`);
  if (!isPreviewable(item.contentType)) throw new AppError("not_previewable", `Files of type ${item.contentType} get no preview.`);
  if (!isPreviewType(body.type)) throw new AppError("unsupported_type", `A preview must be ${PREVIEW_TYPES.join(" or ")}, not ${body.type}.`);
  if (body.size > PREVIEW_MAX_BYTES) {
    throw new AppError("too_large", `The preview is ${formatBytes(body.size)}; the limit is ${formatBytes(PREVIEW_MAX_BYTES)}.`);
  }
}

/**
 * Records the planned preview on the pending file item (within the quota, replacing an earlier plan),
 * then signs a POST form for exactly its staging key, size and type, with a file form's lifetime.
 */
export async function startPreview(item: FileItem, body: PlanPreviewBody): Promise<PostUploadTarget> {
  const planned = await planFilePreview({ id: item.id, ownerId: item.userId, previewSize: body.size, previewType: body.type, quotaBytes: getEnv().USER_QUOTA_BYTES });
  if (planned === "quota_exceeded") throw new AppError("quota_exceeded", "This preview would take you over your storage quota.");
  // Claimed by a complete, or cancelled, since the file item was read.
  if (!planned) throw new AppError("conflict", "This upload is no longer pending; previews are planned before complete.");
  const form = await signUploadPost({ key: previewStagingKeyFor(planned), size: body.size, contentType: body.type, expiresInSeconds: getEnv().UPLOAD_URL_TTL_SECONDS });
  return { strategy: "post", ...form };
}
