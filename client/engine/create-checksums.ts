/**
 * Which hash of its bytes a file's create carries, by how the server sends a file of its size
 * (GET /api/uploads/settings): the CRC32 a presigned PUT URL signs (`checksum`, required), or the
 * SHA-256 a POST form binds (`sha256`, optional: without it the server copies the checked bytes
 * on at complete). Files sent in parts carry neither; their parts are hashed one by one.
 */
import { checksumRequired, formChecksumWanted, type CreateUploadBody, type UploadSettings } from "@/lib/contracts/upload-schemas";

/** The create's field that holds the hash: `checksum` (CRC32) or `sha256`. */
export type ChecksumField = keyof Pick<CreateUploadBody, "checksum" | "sha256">;

/** The files whose creates carry a hash: `fieldFor` a file of `size` bytes (null: none), `of` the queue item's file. */
export type CreateChecksums = { fieldFor(size: number): ChecksumField | null; of(key: string, field: ChecksumField): Promise<string> };

/** The hash a create for a file of `size` bytes carries under `settings`, if any. */
export function checksumFieldFor(settings: UploadSettings, size: number): ChecksumField | null {
  if (checksumRequired(settings, size)) return "checksum";
  if (formChecksumWanted(settings, size)) return "sha256";
  return null;
}
