import { toErrorResult } from "@/server/http/app-error";
import { toFileItemJsonWithPreview } from "@/server/library/file-urls";
import { route } from "@/server/http/route";
import { COMPLETE_BATCH_MAX_BODY_BYTES, completeUploadsBodySchema, type CompleteUploadsResponse } from "@/lib/contracts/upload-schemas";
import { completeUploads } from "@/server/uploads/complete";
import { enforceRateLimit } from "@/server/ops/rate-limit";

// POST /api/uploads/batch/complete - POST /api/uploads/{id}/complete for up to 100 uploads, answered per upload
export const POST = route({ name: "POST /api/uploads/batch/complete", auth: "user", body: completeUploadsBodySchema, maxBodyBytes: COMPLETE_BATCH_MAX_BODY_BYTES }, async ({ user, body }) => {
  // One unit per id, as if each were completed alone.
  await enforceRateLimit("completes", user.id, body.ids.length);
  const results: CompleteUploadsResponse["results"] = await Promise.all(
    (await completeUploads(body.ids, user.id)).map(async (outcome) =>
      outcome instanceof Error ? toErrorResult(outcome) : { status: 200 as const, file: await toFileItemJsonWithPreview(outcome) },
    ),
  );
  return Response.json({ results } satisfies CompleteUploadsResponse);
});
