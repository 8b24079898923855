/**
 * Multipart part sizing. S3 limits: every part but the last is 5 MiB..5 GiB, at most 10,000
 * parts, so the largest object is 10,000 x 5 GiB (48.8 TiB, AWS's current object limit).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
 */
import { GIB, MIB } from "./units";

/** Minimum part size required by S3 (5 MiB), except for the last part. */
export const MIN_PART_SIZE_BYTES = 5 * MIB;
/** Maximum part size allowed by S3 (5 GiB). */
export const MAX_PART_SIZE_BYTES = 5 * GIB;
/** Maximum number of parts in one multipart upload. */
export const MAX_PARTS = 10_000;
export const MAX_MULTIPART_OBJECT_BYTES = MAX_PARTS * MAX_PART_SIZE_BYTES;
/** Big enough to keep per-request overhead small, small enough that a retry re-sends little. */
export const DEFAULT_PART_SIZE_BYTES = 16 * MIB;

export type PartPlan = { partSize: number; partCount: number };

/**
 * The part size grows with the file so that it never needs more than 10,000 parts; it is rounded
 * up to a whole MiB. Null when the file is larger than S3 multipart allows.
 */
export function planParts(size: number, preferredPartSize = DEFAULT_PART_SIZE_BYTES): PartPlan | null {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_MULTIPART_OBJECT_BYTES) return null;
  const needed = Math.ceil(size / MAX_PARTS);
  const rounded = Math.ceil(Math.max(needed, preferredPartSize, MIN_PART_SIZE_BYTES) / MIB) * MIB;
  const partSize = Math.min(rounded, MAX_PART_SIZE_BYTES);
  const partCount = Math.max(1, Math.ceil(size / partSize));
  return partCount > MAX_PARTS ? null : { partSize, partCount };
}

/** Byte size of part `partNumber` (1-based); the last part holds the remainder. */
export function partSizeOf(plan: PartPlan, fileSize: number, partNumber: number): number {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new RangeError(`part ${partNumber} is outside 1..${plan.partCount}`);
  }
  if (partNumber < plan.partCount) return plan.partSize;
  return fileSize - plan.partSize * (plan.partCount - 1);
}

/** [start, end) byte range of a part, for Blob.slice. */
export function partRange(plan: PartPlan, fileSize: number, partNumber: number): [number, number] {
  const start = (partNumber - 1) * plan.partSize;
  return [start, start + partSizeOf(plan, fileSize, partNumber)];
}
