import { z } from "zod";
import { MAX_NAME_LENGTH } from "./upload-rules";

// Control characters (including newlines) never belong in a file name shown to people.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const createUploadBodySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
    .refine((name) => !CONTROL_CHARS.test(name), "must not contain control characters"),
  size: z.number().int("must be a whole number of bytes").min(0, "must not be negative").max(Number.MAX_SAFE_INTEGER),
  type: z.string().trim().min(1, "must not be empty").max(255),
});
export type CreateUploadBody = z.infer<typeof createUploadBodySchema>;

/** The file as the API shows it; the S3 key and upload id never leave the server. */
export type FileDto = {
  id: string;
  name: string;
  size: number;
  type: string;
  status: "pending" | "uploaded" | "aborted" | "deleted";
  createdAt: string;
  uploadedAt: string | null;
  checksum: string | null;
};

export type PostUploadTarget = { strategy: "post"; url: string; fields: Record<string, string>; expiresAt: string };

export type CreateUploadResponse = { file: FileDto; upload: PostUploadTarget };
export type CompleteUploadResponse = { file: FileDto };
export type ListFilesResponse = { files: FileDto[] };

export const fileIdSchema = z.uuid("must be a file id");
