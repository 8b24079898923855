import type { PlannedFileItem } from "@/server/uploads/create";
import { toErrorResult } from "@/server/http/app-error";
import { toFileDto } from "@/server/library/file-dto";
import { enforceUploadLimits } from "@/server/ops/rate-limit";
import { route } from "@/server/http/route";
import { CREATE_BATCH_MAX_BODY_BYTES, createUploadsBodySchema, type CreateUploadsResponse } from "@/lib/contracts/upload-schemas";
import { createUploads, planUpload } from "@/server/uploads/create";

// POST /api/uploads/batch - POST /api/uploads for up to 100 files in one request, answered per file
export const POST = route({ name: "POST /api/uploads/batch", auth: "user", body: createUploadsBodySchema, maxBodyBytes: CREATE_BATCH_MAX_BODY_BYTES }, async ({ user, body }) => {
  const plans = body.files.map((file) => {
    try {
      return planUpload(user.id, file);
    } catch (err) {
      return toErrorResult(err);
    }
  });
  const rows = plans.filter((plan): plan is PlannedFileItem => !("error" in plan));
  // One request, plus one file per accepted file, before anything is stored; refused files cost nothing.
  await enforceUploadLimits(user.id, rows.length);
  const created = (await createUploads(rows)).values();
  const results: CreateUploadsResponse["results"] = plans.map((plan) => {
    if ("error" in plan) return plan;
    const outcome = created.next().value!;
    if (outcome instanceof Error) return toErrorResult(outcome);
    return { status: 201, file: toFileDto(outcome.item), upload: outcome.upload };
  });
  return Response.json({ results } satisfies CreateUploadsResponse);
});
