import { z } from "zod";
import { displayNameSchema } from "./display-name";
import { folderPathSchema } from "./folder-path";
import { MAX_NAME_LENGTH } from "@/lib/upload-rules";
import { MAX_PARTS } from "@/lib/part-plan";
import { KIB } from "@/lib/units";

/** Base64 of a 4-byte CRC32, as S3 expects in x-amz-checksum-crc32. */
export const crc32Base64Schema = z.string().regex(/^[A-Za-z0-9+/]{6}==$/, "must be a base64 CRC32");

/** Base64 of a 32-byte SHA-256, as S3 expects in x-amz-checksum-sha256. */
export const sha256Base64Schema = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "must be a base64 SHA-256");

export const createUploadBodySchema = z.object({
  name: displayNameSchema(MAX_NAME_LENGTH),
  size: z.number().int("must be a whole number of bytes").min(0, "must not be negative").max(Number.MAX_SAFE_INTEGER),
  type: z.string().trim().min(1, "must not be empty").max(255),
  /** The folder the file came from, relative to what was dropped or chosen (lib/contracts/folder-path.ts); absent for a loose file. */
  path: folderPathSchema.optional(),
  /**
   * The client's own name for this create (a random id per file): sending the same request again
   * after a lost answer returns the same file item instead of a second one.
   */
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, "must be 16 to 64 letters, digits, '-' or '_'")
    .optional(),
  /**
   * The whole file's CRC32 (base64, as S3 writes it). Required for a file the server sends by
   * presigned PUT (`checksumRequired`): its URL signs it, so storage refuses any other bytes.
   * Ignored otherwise.
   */
  checksum: crc32Base64Schema.optional(),
  /**
   * The whole file's SHA-256 (base64, as S3 writes it), for a file sent by POST form where the
   * server binds it into the form (`formChecksumWanted`): storage then refuses any other bytes, so
   * the form can name the file's final key and complete has nothing to copy. Optional: without it
   * the form names a staging key and complete copies the checked bytes on. Ignored otherwise.
   */
  sha256: sha256Base64Schema.optional(),
});
export type CreateUploadBody = z.infer<typeof createUploadBodySchema>;

/**
 * How the server sends a file of each size, which a client needs before it asks: files up to
 * `singleRequestMaxBytes` in one request (a browser POST form, or a presigned PUT on stores without
 * POST Object), larger ones as multipart uploads. `GET /api/uploads/settings`; the page has it from
 * the server's render.
 */
export type UploadSettings = {
  smallUploads: "post" | "put";
  singleRequestMaxBytes: number;
  /** "sha256": a POST form binds the file's SHA-256 when the create carries one (`sha256`); null where the store does not check it. */
  formChecksum: "sha256" | null;
};

/** Whether a create for a file of `size` bytes must carry its `checksum`: it goes by presigned PUT, whose URL signs it. */
export function checksumRequired(settings: UploadSettings, size: number): boolean {
  return settings.smallUploads === "put" && size <= settings.singleRequestMaxBytes;
}

/** Whether a create for a file of `size` bytes gains from its `sha256`: it goes by a POST form that binds it (no copy at complete). */
export function formChecksumWanted(settings: UploadSettings, size: number): boolean {
  return settings.smallUploads === "post" && settings.formChecksum === "sha256" && size <= settings.singleRequestMaxBytes;
}

/** A file item (the stored record of one file) as the API shows it; the S3 key and upload id never leave the server. */
export type FileItemJson = {
  id: string;
  name: string;
  /** The folder it was uploaded from (`Holiday/Day 1`), or null. */
  path: string | null;
  size: number;
  type: string;
  status: "pending" | "uploaded" | "aborted" | "deleted" | "rejected";
  createdAt: string;
  uploadedAt: string | null;
  checksum: string | null;
  /**
   * A presigned GET of the file's checked preview (inline, its image type, valid about 5 minutes),
   * made for each answer; null when the file has no checked preview (always before it is uploaded).
   */
  previewUrl: string | null;
  /**
   * True for an uploaded file of a previewable type with no checked preview yet: a page that shows
   * it may make one from the stored file and send it (`POST /api/previews`).
   */
  previewWanted: boolean;
};

export type PostUploadTarget = { strategy: "post"; url: string; fields: Record<string, string>; expiresAt: string };
/**
 * A presigned PUT of the whole file: send exactly `headers` (their names and values are signed;
 * Content-Length is the file's size, as every HTTP client sends it) with the file as the body.
 * The URL names one key and fits one size, type and CRC32 until `expiresAt`.
 */
export type PutUploadTarget = { strategy: "put"; url: string; headers: Record<string, string>; expiresAt: string };
/**
 * `expiresAt` is when cleanup may abort the unfinished upload (STALE_UPLOAD_HOURS after creation).
 * `checksum` is what each part carries: `crc32` (its CRC32, base64, sent when signing and as the
 * PUT's `x-amz-checksum-crc32` header) or null (parts are signed and sent without one, for stores
 * that refuse part checksums).
 */
export type MultipartUploadTarget = { strategy: "multipart"; partSize: number; partCount: number; checksum: "crc32" | null; expiresAt: string };
export type UploadTarget = PostUploadTarget | PutUploadTarget | MultipartUploadTarget;
/** A small file's or a preview's one request to storage: a form POST or a presigned PUT. */
export type SingleUploadTarget = PostUploadTarget | PutUploadTarget;

export type CreateUploadResponse = { file: FileItemJson; upload: UploadTarget };
export type CompleteUploadResponse = { file: FileItemJson };

/** One item of a batch answer that failed: the status and error it would have had alone. */
export type BatchItemError = { status: number; error: { code: string; message: string } };

/** Files per batch request: one request signs or checks many small files instead of one each. */
export const MAX_BATCH_ITEMS = 100;

export const createUploadsBodySchema = z.object({ files: z.array(createUploadBodySchema).min(1).max(MAX_BATCH_ITEMS) });
export type CreateUploadsBody = z.infer<typeof createUploadsBodySchema>;
/** In the order of `files`: each created upload (status 201) or what refused that file alone. */
export type CreateUploadsResponse = { results: Array<({ status: 201 } & CreateUploadResponse) | BatchItemError> };

// Any string: an id that names no upload of the caller's is that item's 404, as on the single route.
export const completeUploadsBodySchema = z.object({ ids: z.array(z.string().max(100)).min(1).max(MAX_BATCH_ITEMS) });
/** In the order of `ids`: each completed file (status 200) or why that upload is not complete. */
export type CompleteUploadsResponse = { results: Array<({ status: 200 } & CompleteUploadResponse) | BatchItemError> };

/**
 * Body caps of the two batch routes, from their schemas: a file of a create batch is at most about
 * 4 KB as JSON.stringify writes it (a name and a type of 255 and a folder path of 1,024 UTF-16
 * units at up to 3 UTF-8 bytes each, the size, an idempotency key), an id of a complete batch at
 * most 300 bytes. 100 of them take about 400 KB and 30 KB; the caps leave room for whitespace.
 * Every other route keeps the 1 MiB default (server/http/parse.ts).
 */
export const CREATE_BATCH_MAX_BODY_BYTES = 512 * KIB;
export const COMPLETE_BATCH_MAX_BODY_BYTES = 64 * KIB;
export type ListFilesResponse = { files: FileItemJson[] };

/** S3 part numbers are 1..MAX_PARTS (10,000); a batch signs at most 100 URLs. */
export const MAX_PARTS_PER_SIGN_REQUEST = 100;
const partNumberSchema = z.number().int().min(1).max(MAX_PARTS);

/** The first part number listed twice, or null. Order is free; a part named twice in one request is a 400. */
export function repeatedPartNumber(partNumbers: readonly number[]): number | null {
  const seen = new Set<number>();
  for (const n of partNumbers) {
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return null;
}

const repeatedMessage = (n: number) => `must not list part ${n} twice`;

export const signPartsBodySchema = z.object({
  partNumbers: z
    .array(partNumberSchema)
    .min(1)
    .max(MAX_PARTS_PER_SIGN_REQUEST)
    .superRefine((numbers, ctx) => {
      const repeated = repeatedPartNumber(numbers);
      if (repeated !== null) ctx.addIssue({ code: "custom", message: repeatedMessage(repeated) });
    }),
  // Keyed by the part number as written in partNumbers (`"7"`, never `"07"`).
  checksums: z.record(z.string().regex(/^[1-9]\d{0,4}$/, "must be keyed by part numbers"), crc32Base64Schema).optional(),
});
export type SignPartsBody = z.infer<typeof signPartsBodySchema>;
export type SignedPart = { partNumber: number; url: string; expiresAt: string };
export type SignPartsResponse = { parts: SignedPart[] };

const etagSchema = z.string().trim().min(1).max(200);
export const partDoneBodySchema = z.object({ etag: etagSchema, checksum: crc32Base64Schema.optional() });
export const partsDoneBodySchema = z.object({
  parts: z
    .array(z.object({ partNumber: partNumberSchema, etag: etagSchema, checksum: crc32Base64Schema.optional() }))
    .min(1)
    .max(1000)
    .superRefine((parts, ctx) => {
      // One statement upserts them all, and Postgres can't change one row twice in it.
      const repeated = repeatedPartNumber(parts.map((p) => p.partNumber));
      if (repeated !== null) ctx.addIssue({ code: "custom", message: repeatedMessage(repeated) });
    }),
});
export type PartReport = z.infer<typeof partsDoneBodySchema>["parts"][number];

export type StoredPartDto = { partNumber: number; size: number; etag: string };
export type UploadStatusResponse = { file: FileItemJson; upload: UploadTarget | null; parts: StoredPartDto[] };
