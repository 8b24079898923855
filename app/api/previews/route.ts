import { toErrorResult } from "@/server/http/app-error";
import { route } from "@/server/http/route";
import { planPreviewsBodySchema, PREVIEW_BATCH_MAX_BODY_BYTES, type PlanPreviewsResponse } from "@/lib/contracts/preview-schemas";
import { planPreviews } from "@/server/previews/plan";

// POST /api/previews - plan the previews of up to 100 uploaded files and sign an exact-size POST form for each, answered per preview
export const POST = route({ name: "POST /api/previews", auth: "user", body: planPreviewsBodySchema, maxBodyBytes: PREVIEW_BATCH_MAX_BODY_BYTES }, async ({ user, body }) => {
  const outcomes = await planPreviews(user.id, body.previews);
  const results: PlanPreviewsResponse["results"] = outcomes.map((outcome, i) => {
    const fileItemId = body.previews[i]!.fileItemId;
    return outcome instanceof Error ? { ...toErrorResult(outcome), fileItemId } : { status: 201, fileItemId, upload: outcome.upload };
  });
  return Response.json({ results } satisfies PlanPreviewsResponse);
});
