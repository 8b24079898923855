import "server-only";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
} from "@aws-sdk/client-s3";
import { clients } from "./clients";
import { isMethodNotAllowed, isNoSuchUpload, isNotImplemented } from "./s3-errors";
import { getEnv } from "@/server/env";
import type { PartChecksum } from "@/lib/store-abilities";

/**
 * Starts a multipart upload. With `crc32` every part is checksummed in the browser and verified by
 * S3 on arrival, and the complete must name each part's CRC32 (S3 and SeaweedFS refuse it
 * otherwise); with `none` the upload has no checksum algorithm and parts carry none.
 */
export async function createMultipartUpload(input: { key: string; contentType: string; partChecksum: PartChecksum }): Promise<string> {
  const out = await clients().internal.send(
    new CreateMultipartUploadCommand({
      Bucket: getEnv().S3_BUCKET,
      Key: input.key,
      ContentType: input.contentType,
      ChecksumAlgorithm: input.partChecksum === "crc32" ? "CRC32" : undefined,
    }),
  );
  if (!out.UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  return out.UploadId;
}

export type StoredPart = { partNumber: number; size: number; etag: string; checksum: string | null };

export type PartListing = { status: "ok"; parts: StoredPart[] } | { status: "unsupported" } | { status: "gone" };

/** All parts S3 holds for an upload (every page); "unsupported" on stores without ListParts. */
export async function listAllParts(key: string, uploadId: string): Promise<PartListing> {
  const parts: StoredPart[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await clients().internal.send(
        new ListPartsCommand({ Bucket: getEnv().S3_BUCKET, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
      );
      for (const part of page.Parts ?? []) {
        parts.push({ partNumber: part.PartNumber!, size: part.Size ?? 0, etag: part.ETag!, checksum: part.ChecksumCRC32 ?? null });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (err) {
    if (isNoSuchUpload(err)) return { status: "gone" };
    if (isNotImplemented(err) || isMethodNotAllowed(err)) return { status: "unsupported" };
    throw err;
  }
  return { status: "ok", parts };
}

/** Completes the upload; false when S3 no longer knows it (already completed or aborted). */
export async function completeMultipartUpload(
  key: string,
  uploadId: string,
  parts: Array<{ partNumber: number; etag: string; checksum: string | null }>,
): Promise<boolean> {
  try {
    await clients().internal.send(
      new CompleteMultipartUploadCommand({
        Bucket: getEnv().S3_BUCKET,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ChecksumCRC32: p.checksum ?? undefined })),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isNoSuchUpload(err)) return false;
    throw err;
  }
}

/** Aborting an upload S3 no longer knows is fine: the goal (nothing left behind) holds. */
export async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
  try {
    await clients().internal.send(new AbortMultipartUploadCommand({ Bucket: getEnv().S3_BUCKET, Key: key, UploadId: uploadId }));
  } catch (err) {
    if (!isNoSuchUpload(err)) throw err;
  }
}

export type MultipartUploadInfo = { key: string; uploadId: string; initiated: Date | undefined };

/** Every multipart upload in progress under `prefix` (all pages); null if the store can't list them. */
export async function listMultipartUploads(prefix: string): Promise<MultipartUploadInfo[] | null> {
  const uploads: MultipartUploadInfo[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  try {
    do {
      const page = await clients().internal.send(
        new ListMultipartUploadsCommand({ Bucket: getEnv().S3_BUCKET, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of page.Uploads ?? []) uploads.push({ key: u.Key!, uploadId: u.UploadId!, initiated: u.Initiated });
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  } catch (err) {
    if (isNotImplemented(err)) return null;
    throw err;
  }
  return uploads;
}
