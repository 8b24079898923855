import { z } from "zod";
import { KIB } from "@/lib/units";
import type { PostUploadTarget } from "./upload-schemas";

/**
 * Previews (issue 16): a small image the upload page makes of a photo or a video, uploaded beside
 * the file with its own signed form and checked at complete like the file.
 */

/** Types of file the page makes a preview of; any other file gets `409 not_previewable`. */
export const PREVIEWABLE_TYPES = ["image/jpeg", "image/png", "image/gif", "video/mp4", "video/quicktime"] as const;
/** What a preview may be stored as. */
export const PREVIEW_TYPES = ["image/webp", "image/jpeg"] as const;
/** A preview is ~20 KiB at 320 px; anything past this is not one (`413 too_large`). */
export const PREVIEW_MAX_BYTES = 64 * KIB;
/** The longest side of a preview the page makes, in CSS pixels. */
export const PREVIEW_MAX_SIDE_PX = 320;
/** `POST /api/uploads/{id}/preview` is two fields; anything bigger is not this body. */
export const PREVIEW_MAX_BODY_BYTES = 4 * KIB;

export function isPreviewable(fileType: string): boolean {
  return (PREVIEWABLE_TYPES as readonly string[]).includes(fileType.trim().toLowerCase());
}

export function isPreviewType(type: string): type is PreviewType {
  return (PREVIEW_TYPES as readonly string[]).includes(type);
}
export type PreviewType = (typeof PREVIEW_TYPES)[number];

/** The size is bounded by the server (413 past PREVIEW_MAX_BYTES) and the type by PREVIEW_TYPES (415), as on create. */
export const planPreviewBodySchema = z.object({
  size: z.number().int("must be a whole number of bytes").min(1, "must be at least 1 byte").max(Number.MAX_SAFE_INTEGER),
  type: z.string().trim().toLowerCase().min(1, "must not be empty").max(255),
});
export type PlanPreviewBody = z.infer<typeof planPreviewBodySchema>;

/** A POST form pinned to the preview's staging key, its exact size and type, like a file's. */
export type PlanPreviewResponse = { upload: PostUploadTarget };

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
