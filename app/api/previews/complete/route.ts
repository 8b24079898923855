import { toErrorResult } from "@/server/http/app-error";
import { route } from "@/server/http/route";
import { previewUrlOf } from "@/server/library/file-urls";
import { completePreviewsBodySchema, PREVIEW_BATCH_MAX_BODY_BYTES, type CompletePreviewsResponse } from "@/lib/contracts/preview-schemas";
import { completePreviews } from "@/server/previews/complete";

// POST /api/previews/complete - check up to 100 posted previews and record each good one, answered per preview
export const POST = route(
  { name: "POST /api/previews/complete", auth: "user", body: completePreviewsBodySchema, maxBodyBytes: PREVIEW_BATCH_MAX_BODY_BYTES },
  async ({ user, body }) => {
    const outcomes = await completePreviews(user.id, body.fileItemIds);
    const results: CompletePreviewsResponse["results"] = await Promise.all(
      outcomes.map(async (outcome, i) => {
        const fileItemId = body.fileItemIds[i]!;
        if (outcome instanceof Error) return { ...toErrorResult(outcome), fileItemId };
        return { status: 200 as const, fileItemId, previewUrl: (await previewUrlOf(outcome))! };
      }),
    );
    return Response.json({ results } satisfies CompletePreviewsResponse);
  },
);
