import { z } from "zod";
import { CONTROL_CHARS } from "./display-name";
import type { FileItemJson } from "./upload-schemas";
import { createUploadBodySchema } from "./upload-schemas";

export const LIBRARY_SORTS = ["date", "name", "size"] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];
export const SORT_ORDERS = ["asc", "desc"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Page size bounds for `GET /api/files`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** An exact MIME type (`image/png`) or a whole top-level type (`image/*`). */
const MIME_FILTER = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126}|\*)$/;

/** `GET /api/files` query; an empty parameter counts as absent. */
export const listFilesQuerySchema = z.object({
  cursor: z.string().max(2048, "is not valid").optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `must be from 1 to ${MAX_PAGE_SIZE}`))
    .default(DEFAULT_PAGE_SIZE),
  q: z
    .string()
    .trim()
    .max(255, "must be at most 255 characters")
    .refine((q) => !CONTROL_CHARS.test(q), "must not contain control characters")
    .optional(),
  type: z.string().trim().toLowerCase().regex(MIME_FILTER, "must be a MIME type like image/png or image/*").optional(),
  sort: z.enum(LIBRARY_SORTS).default("date"),
  order: z.enum(SORT_ORDERS).default("desc"),
});
export type ListFilesQuery = z.infer<typeof listFilesQuerySchema>;

/** Rename changes the display name only; the same rules as at upload. */
export const renameFileBodySchema = z.object({ name: createUploadBodySchema.shape.name });
export type RenameFileBody = z.infer<typeof renameFileBodySchema>;

export type StorageUsage = { usedBytes: number; quotaBytes: number | null };
export type LibraryPage = { files: FileItemJson[]; nextCursor: string | null; usage: StorageUsage };
export type RenameFileResponse = { file: FileItemJson };
