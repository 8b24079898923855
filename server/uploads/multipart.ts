import "server-only";
import { listFileParts, upsertFileParts } from "@/db/queries/file-parts";
import type { FileItem } from "@/db/schema";
import { rejectIfContentMismatch } from "./content-check";
import { SNIFF_BYTES } from "./content-sniff";
import { keysOf } from "./object-keys";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/http/app-error";
import { partSizeOf, type PartPlan } from "@/lib/part-plan";
import type { PartChecksum } from "@/lib/store-abilities";
import { completeMultipartUpload, listAllParts, type StoredPart } from "@/server/storage/multipart";
import { headObject, readObjectStart } from "@/server/storage/objects";
import { signUploadPartUrls, type PartToSign } from "@/server/storage/part-urls";
import type { MultipartUploadTarget, PartReport, SignedPart, SignPartsBody } from "@/lib/contracts/upload-schemas";

export function planOf(item: FileItem): PartPlan {
  if (item.strategy !== "multipart" || !item.uploadId || !item.partSize) {
    throw new AppError("conflict", "This is not a multipart upload.");
  }
  return { partSize: item.partSize, partCount: Math.max(1, Math.ceil(item.size / item.partSize)) };
}

/** The checksum this upload's parts carry, fixed when it started (uploads from before the column are all CRC32). */
export function partChecksumOf(item: FileItem): PartChecksum {
  return item.partChecksum ?? "crc32";
}

/** What a client needs to drive the upload; expiresAt is when cleanup may abort it. */
export function multipartTarget(item: FileItem): MultipartUploadTarget {
  const expiresAt = new Date(item.createdAt.getTime() + getEnv().STALE_UPLOAD_HOURS * 3_600_000).toISOString();
  return { strategy: "multipart", ...planOf(item), checksum: partChecksumOf(item) === "crc32" ? "crc32" : null, expiresAt };
}

function requirePending(item: FileItem): void {
  if (item.status !== "pending") throw new AppError("conflict", `This upload is ${item.status}.`);
}

function requireInPlan(plan: PartPlan, partNumber: number): void {
  if (partNumber > plan.partCount) {
    throw new AppError("bad_request", `partNumbers: part ${partNumber} is outside this upload's 1..${plan.partCount}`);
  }
}

/**
 * The parts a POST …/parts asks for, checked against the upload (409 unless a pending multipart
 * upload; 400 for a part outside the plan, or without its CRC32 on a `crc32` upload, or with one
 * on an upload whose parts carry none) before any budget is spent.
 */
export function partsToSign(item: FileItem, body: SignPartsBody): PartToSign[] {
  const plan = planOf(item);
  requirePending(item);
  // The schema refuses a part number listed twice.
  const { partNumbers } = body;
  for (const n of partNumbers) requireInPlan(plan, n);
  const given = Object.keys(body.checksums ?? {});
  for (const n of given) {
    if (!partNumbers.includes(Number(n))) throw new AppError("bad_request", `checksums: part ${n} is not in partNumbers`);
  }
  if (partChecksumOf(item) === "none") {
    // Signed into the URL, a checksum the upload was not created for is one this store refuses.
    if (given.length > 0) throw new AppError("bad_request", "checksums: this upload's parts carry no checksum (its upload.checksum is null)");
    return partNumbers.map((partNumber) => ({ partNumber, size: partSizeOf(plan, item.size, partNumber) }));
  }
  // The upload was created with ChecksumAlgorithm=CRC32, so S3 refuses any part without one.
  const unchecked = partNumbers.filter((n) => !body.checksums?.[String(n)]);
  if (unchecked.length > 0) {
    throw new AppError("bad_request", `checksums: every part needs its CRC32 (missing for part ${unchecked[0]})`);
  }
  return partNumbers.map((partNumber) => ({
    partNumber,
    size: partSizeOf(plan, item.size, partNumber),
    checksumCRC32: body.checksums?.[String(partNumber)],
  }));
}

export async function signParts(item: FileItem, parts: PartToSign[]): Promise<SignedPart[]> {
  const ttl = getEnv().UPLOAD_URL_TTL_SECONDS;
  const expiresAt = new Date(Date.now() + ttl * 1000).toISOString();
  const urls = await signUploadPartUrls({ key: item.key, uploadId: item.uploadId!, parts, expiresInSeconds: ttl });
  return parts.map((part, i) => ({ partNumber: part.partNumber, expiresAt, url: urls[i]! }));
}

export async function recordParts(item: FileItem, reports: PartReport[]): Promise<void> {
  const plan = planOf(item);
  requirePending(item);
  for (const r of reports) requireInPlan(plan, r.partNumber);
  await upsertFileParts({
    fileId: item.id,
    parts: reports.map((r) => ({ partNumber: r.partNumber, size: partSizeOf(plan, item.size, r.partNumber), etag: r.etag, checksum: r.checksum ?? null })),
  });
}

/**
 * Parts stored so far. S3's ListParts is the truth where the store has it; elsewhere (s3rver)
 * the parts the client reported are the record. On a `crc32` upload a part counts as stored only
 * with its CRC32, which the complete must name: ListParts gives it on S3 and MinIO, the client's
 * report of the same part (same ETag) where the store's listing leaves it out (SeaweedFS); a part
 * known by neither is sent again (resume lists it as missing).
 */
export async function storedParts(item: FileItem): Promise<StoredPart[] | "gone"> {
  const plan = planOf(item);
  const listing = await listAllParts(item.key, item.uploadId!);
  if (listing.status === "gone") return "gone";
  const checksummed = partChecksumOf(item) === "crc32";
  const reports = listing.status === "unsupported" || (checksummed && listing.parts.some((p) => !p.checksum)) ? await listFileParts({ fileId: item.id }) : [];
  const reported = new Map(reports.map((p) => [p.partNumber, p]));
  const parts =
    listing.status === "ok"
      ? listing.parts.map((p) => ({ ...p, checksum: p.checksum ?? reportedChecksum(reported.get(p.partNumber), p.etag) }))
      : reports.map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag, checksum: p.checksum }));
  return parts.filter(
    (p) => p.partNumber <= plan.partCount && p.size === partSizeOf(plan, item.size, p.partNumber) && (!checksummed || p.checksum !== null),
  );
}

/** The checksum the client reported for a part, if the report is of the bytes stored now (same ETag). */
function reportedChecksum(report: { etag: string; checksum: string | null } | undefined, etag: string): string | null {
  const bare = (value: string) => value.replace(/^"|"$/g, "");
  return report && bare(report.etag) === bare(etag) ? report.checksum : null;
}

/**
 * Completing a multipart upload (server/uploads/complete.ts runs the steps). `check` refuses,
 * before any claim, a file item without its upload id or part size (409). `place`, for a file item claimed by
 * this complete: checks every planned part is stored at its planned size, completes the upload in
 * S3 (which ends the upload id, so no part URL can change the object afterwards) and checks the
 * object with HeadObject; safe to repeat after a failure. The checksum is the whole-object CRC32
 * S3 keeps for multipart uploads.
 */
export const multipartCompletion = {
  check(item: FileItem): void {
    planOf(item);
  },

  async place(item: FileItem): Promise<{ checksum: string | null }> {
    const plan = planOf(item);
    const parts = await storedParts(item);
    if (parts !== "gone") {
      const have = new Set(parts.map((p) => p.partNumber));
      const missing = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
      if (missing.length > 0) {
        const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? ", …" : "");
        throw new AppError("upload_incomplete", `${missing.length} of ${plan.partCount} parts are not stored yet (${shown}).`);
      }
      // "gone" or false: an earlier complete got this far and then failed; the HeadObject below decides.
      const checksummed = partChecksumOf(item) === "crc32";
      const sorted = parts.sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ ...p, checksum: checksummed ? p.checksum : null }));
      await completeMultipartUpload(item.key, item.uploadId!, sorted);
    }
    const stored = await headObject(item.key);
    if (!stored || stored.size !== item.size) {
      throw new AppError("upload_incomplete", "The stored file does not match the declared size.");
    }
    // HeadObject for the checksum; the first bytes separately.
    await rejectIfContentMismatch(item, (await readObjectStart(item.key, SNIFF_BYTES))?.bytes ?? new Uint8Array(), keysOf(item));
    return { checksum: stored.checksum };
  },

  /** Nothing of the file is left once marked; a file item lost to cleanup meanwhile loses the object just completed. */
  leftovers(item: FileItem, uploaded: boolean): string[] {
    return uploaded ? [] : [item.key];
  },
};
