import "server-only";
import { planFilePreviews, type PreviewSpec } from "@/db/queries/file-item-previews";
import type { FileItem } from "@/db/schema";
import { AppError, asError } from "@/server/http/app-error";
import { getEnv } from "@/server/env";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { signUploadPost } from "@/server/storage/post-policy";
import { signUploadPut } from "@/server/storage/put-urls";
import { previewStagingKeyFor } from "@/server/uploads/object-keys";
import { releaseStagingHolds } from "@/server/uploads/staging-holds";
import { previewRefusal, readNamedFileItems } from "./preview-items";
import { formatBytes } from "@/lib/upload-rules";
import { isPreviewType, PREVIEW_MAX_BYTES, PREVIEW_TYPES, type PreviewPlan } from "@/lib/contracts/preview-schemas";
import type { SingleUploadTarget } from "@/lib/contracts/upload-schemas";

export type PlannedPreviewForm = { item: FileItem; upload: SingleUploadTarget };

/** Where previews go by PUT (S3_SMALL_UPLOADS=put), as small files do. */
const previewsByPut = () => getEnv().storeAbilities.smallUploads === "put";

/**
 * Why a plan is refused before any budget is spent, or null: the file item must be named once in
 * the request and want a preview (previewRefusal: the caller's uploaded file of a previewable type
 * without a stored preview); the preview one of PREVIEW_TYPES (415) of at most PREVIEW_MAX_BYTES
 * (413), with its CRC32 where previews go by PUT (400).
 */
function refusal(item: FileItem | undefined, plan: PreviewPlan, earlier: Set<string>): AppError | null {
  if (item && earlier.has(item.id)) return new AppError("conflict", "This file's preview is planned earlier in this request.");
  const unwanted = previewRefusal(item);
  if (unwanted) return unwanted;
  if (!isPreviewType(plan.type)) return new AppError("unsupported_type", `A preview must be ${PREVIEW_TYPES.join(" or ")}, not ${plan.type}.`);
  if (plan.size > PREVIEW_MAX_BYTES) return new AppError("too_large", `The preview is ${formatBytes(plan.size)}; the limit is ${formatBytes(PREVIEW_MAX_BYTES)}.`);
  if (!plan.checksum && previewsByPut()) return new AppError("bad_request", "checksum: required: this store takes previews by presigned PUT, which signs the preview's CRC32");
  return null;
}

/**
 * A POST form, or a PUT URL where small uploads go by PUT, for exactly the preview's staging key,
 * size and type (and, for a PUT, its CRC32), expiring with the hold recorded for it (a file form's
 * lifetime). A preview always goes to its staging key: complete checks it and copies it on, as it
 * does a POST's.
 */
async function signPreviewUpload(item: FileItem, plan: PreviewSpec, checksum: string | undefined, expiresAt: Date): Promise<SingleUploadTarget> {
  const signed = { key: previewStagingKeyFor(item), size: plan.size, contentType: plan.type, expiresAt };
  if (previewsByPut()) return { strategy: "put", ...(await signUploadPut({ ...signed, checksumCRC32: checksum!, ifNoneMatch: false })) };
  return { strategy: "post", ...(await signUploadPost(signed)) };
}

/**
 * planFilePreviews within USER_QUOTA_BYTES. When the quota refuses some, the owner's staging holds
 * whose forms have expired are released (staging-holds.ts) and, if any was, those are tried once more.
 */
async function recordPlans(ownerId: string, plans: PreviewSpec[], formExpiresAt: Date): Promise<Array<FileItem | "quota_exceeded" | null>> {
  const quotaBytes = getEnv().USER_QUOTA_BYTES;
  const recorded = await planFilePreviews({ ownerId, plans, quotaBytes, formExpiresAt });
  const refused = plans.filter((_, i) => recorded[i] === "quota_exceeded");
  if (refused.length === 0 || !(await releaseStagingHolds({ ownerId }))) return recorded;
  const retried = (await planFilePreviews({ ownerId, plans: refused, quotaBytes, formExpiresAt })).values();
  return recorded.map((entry) => (entry === "quota_exceeded" ? (retried.next().value ?? entry) : entry));
}

/**
 * POST /api/previews: one statement reads the caller's file items, each plan is checked (refusals
 * cost nothing but the request), the request spends one upload request of the rate limit, one
 * transaction records every plan within the quota, and each recorded plan gets its own form or PUT URL.
 * Per plan, in order: its form, or the error that plan alone met.
 */
export async function planPreviews(ownerId: string, plans: PreviewPlan[]): Promise<Array<PlannedPreviewForm | Error>> {
  const { ids, items } = await readNamedFileItems(ownerId, plans.map((plan) => plan.fileItemId));
  const earlier = new Set<string>();
  const checked = plans.map((plan, i): PreviewSpec | Error => {
    const item = ids[i] ? items.get(ids[i]) : undefined;
    const refused = refusal(item, plan, earlier);
    if (item) earlier.add(item.id);
    return refused ?? { id: item!.id, size: plan.size, type: plan.type };
  });
  await enforceRateLimit("upload-requests", ownerId);
  const wanted = checked.filter((entry): entry is PreviewSpec => !(entry instanceof Error));
  const formExpiresAt = new Date(Date.now() + getEnv().UPLOAD_URL_TTL_SECONDS * 1000);
  const recorded = (await recordPlans(ownerId, wanted, formExpiresAt)).values();
  return Promise.all(
    checked.map(async (entry, i) => {
      if (entry instanceof Error) return entry;
      const item = recorded.next().value;
      if (item === "quota_exceeded") return new AppError("quota_exceeded", "This preview would take you over your storage quota.");
      // Deleted, or its preview stored by another request, since it was read.
      if (!item) return new AppError("conflict", "This file changed while its preview was planned; it is no longer an uploaded file without a preview.");
      return signPreviewUpload(item, entry, plans[i]!.checksum, formExpiresAt).then(
        (upload) => ({ item, upload }),
        (err: unknown) => asError(err),
      );
    }),
  );
}
