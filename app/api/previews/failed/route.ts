import { toErrorResult } from "@/server/http/app-error";
import { route } from "@/server/http/route";
import { failedPreviewsBodySchema, PREVIEW_BATCH_MAX_BODY_BYTES, type FailedPreviewsResponse } from "@/lib/contracts/preview-schemas";
import { recordPreviewFailures } from "@/server/previews/failed";

// POST /api/previews/failed - record that the previews of up to 100 uploaded files could not be made (their pictures would not decode), answered per file
export const POST = route({ name: "POST /api/previews/failed", auth: "user", body: failedPreviewsBodySchema, maxBodyBytes: PREVIEW_BATCH_MAX_BODY_BYTES }, async ({ user, body }) => {
  const outcomes = await recordPreviewFailures(user.id, body.fileItemIds);
  const results: FailedPreviewsResponse["results"] = outcomes.map((outcome, i) => {
    const fileItemId = body.fileItemIds[i]!;
    return outcome instanceof Error ? { ...toErrorResult(outcome), fileItemId } : { status: 200, fileItemId };
  });
  return Response.json({ results } satisfies FailedPreviewsResponse);
});
