import { z } from "zod";
import { KIB } from "@/lib/units";
import { crc32Base64Schema, type BatchItemError, type SingleUploadTarget } from "./upload-schemas";

/**
 * Previews (issues 16 and 21): a small image the browser makes of a photo or a video. A file is
 * done when its bytes are verified; its preview follows on its own path, for file items that are
 * already uploaded: planned and signed in batches (`POST /api/previews`, one exact-size form, or
 * presigned PUT on stores without POST Object, per preview), sent to storage, then checked and
 * recorded in batches (`POST /api/previews/complete`).
 * The upload page sends previews of what it uploads; the library grid makes the missing ones (a
 * closed tab, the CLI) from the stored file. A preview that cannot be made because the picture
 * will not decode is reported, in batches too (`POST /api/previews/failed`), so no page asks again.
 */

/** Types of file the page makes a preview of; any other file gets `409 not_previewable`. */
export const PREVIEWABLE_TYPES = ["image/jpeg", "image/png", "image/gif", "video/mp4", "video/quicktime"] as const;
/** What a preview may be stored as. */
export const PREVIEW_TYPES = ["image/webp", "image/jpeg"] as const;
/** A preview is ~20 KiB at 320 px; anything past this is not one (`413 too_large`). */
export const PREVIEW_MAX_BYTES = 64 * KIB;
/** The longest side of a preview the page makes, in CSS pixels. */
export const PREVIEW_MAX_SIDE_PX = 320;

export function isPreviewable(fileType: string): boolean {
  return (PREVIEWABLE_TYPES as readonly string[]).includes(fileType.trim().toLowerCase());
}

export function isPreviewType(type: string): type is PreviewType {
  return (PREVIEW_TYPES as readonly string[]).includes(type);
}
export type PreviewType = (typeof PREVIEW_TYPES)[number];

/** Previews planned or completed in one request, like MAX_BATCH_ITEMS files. */
export const MAX_PREVIEW_BATCH_ITEMS = 100;

/** One preview to plan: the uploaded file item it is of, its exact size (413 past PREVIEW_MAX_BYTES) and type (415 unless PREVIEW_TYPES). */
export const previewPlanSchema = z.object({
  fileItemId: z.string().max(100),
  size: z.number().int("must be a whole number of bytes").min(1, "must be at least 1 byte").max(Number.MAX_SAFE_INTEGER),
  type: z.string().trim().toLowerCase().min(1, "must not be empty").max(255),
  /** The preview's CRC32 (base64): required where previews go by presigned PUT (its URL signs it), ignored for a form. */
  checksum: crc32Base64Schema.optional(),
});
export type PreviewPlan = z.infer<typeof previewPlanSchema>;

/** `POST /api/previews`: plan and sign the previews of uploaded file items, answered per item in order. */
export const planPreviewsBodySchema = z.object({ previews: z.array(previewPlanSchema).min(1).max(MAX_PREVIEW_BATCH_ITEMS) });
export type PlanPreviewsBody = z.infer<typeof planPreviewsBodySchema>;
/** Each planned preview's POST form or PUT, pinned to its staging key, exact size and type (and CRC32 for a PUT), like a file's. */
export type PlannedPreview = { fileItemId: string; upload: SingleUploadTarget };
export type PlanPreviewsResponse = { results: Array<({ status: 201 } & PlannedPreview) | (BatchItemError & { fileItemId: string })> };

/** The file items a batch names: any string (an id that names no file item of the caller's is that item's 404). */
const previewBatchIdsSchema = z.object({ fileItemIds: z.array(z.string().max(100)).min(1).max(MAX_PREVIEW_BATCH_ITEMS) });

/** `POST /api/previews/complete`: check each posted preview (size, type, signature) and record it, answered per item in order. */
export const completePreviewsBodySchema = previewBatchIdsSchema;
export type CompletePreviewsBody = z.infer<typeof completePreviewsBodySchema>;
/** `previewUrl` is the checked preview's presigned GET, as FileItemJson's. */
export type CompletedPreview = { fileItemId: string; previewUrl: string };
export type CompletePreviewsResponse = { results: Array<({ status: 200 } & CompletedPreview) | (BatchItemError & { fileItemId: string })> };

/**
 * `POST /api/previews/failed`: the page could not make these uploaded files' previews because their
 * pictures would not decode; each is recorded so `previewWanted` turns false and no page asks again.
 * Answered per item in order.
 */
export const failedPreviewsBodySchema = previewBatchIdsSchema;
export type FailedPreviewsBody = z.infer<typeof failedPreviewsBodySchema>;
export type FailedPreview = { fileItemId: string };
export type FailedPreviewsResponse = { results: Array<({ status: 200 } & FailedPreview) | (BatchItemError & { fileItemId: string })> };

/** The preview batch bodies are ids and up to three short fields per item. */
export const PREVIEW_BATCH_MAX_BODY_BYTES = 64 * KIB;

/**
 * What GET /api/files/{id}/view serves inline with the stored type, and how the lightbox shows
 * it: media of the default allowlist whose bytes complete checks against the type's signature,
 * which browsers never run as a document. Everything else (HTML, SVG, PDF, text, any type an
 * operator adds) stays an attachment.
 */
export const INLINE_MEDIA: Readonly<Record<string, "image" | "video">> = {
  "image/jpeg": "image",
  "image/png": "image",
  "image/gif": "image",
  "video/mp4": "video",
  "video/quicktime": "video",
};

/** "image" or "video" for a type served inline, else null (served as an attachment). */
export function inlineMediaKind(type: string): "image" | "video" | null {
  return INLINE_MEDIA[type.trim().toLowerCase()] ?? null;
}
