import type { CompleteUploadResponse, PartReport, SignPartsResponse, UploadStatusResponse } from "@/lib/contracts/upload-schemas";

/** What a multipart upload needs of our API; the page and the CLI each bind it to their fetcher (client/api/upload-api.ts). */
export type MultipartApi = {
  /** The file item and the parts already stored, to resume an upload. */
  getUpload: (id: string) => Promise<UploadStatusResponse>;
  /** `checksums` (part number → CRC32) for an upload whose parts carry one; undefined otherwise. */
  signParts: (id: string, partNumbers: number[], checksums: Record<string, string> | undefined) => Promise<SignPartsResponse>;
  reportParts: (id: string, parts: PartReport[]) => Promise<void>;
  /** Not batched with small files' completes: S3 may take seconds to assemble a large object. */
  completeMultipart: (id: string) => Promise<CompleteUploadResponse>;
};
