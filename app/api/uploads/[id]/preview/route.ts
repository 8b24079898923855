import { enforceRateLimit } from "@/server/ops/rate-limit";
import { PREVIEW_MAX_BODY_BYTES, planPreviewBodySchema, type PlanPreviewResponse } from "@/lib/contracts/preview-schemas";
import { checkPreviewRequest, startPreview } from "@/server/uploads/preview";
import { ownedFileItem } from "@/server/uploads/owned";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// POST /api/uploads/{id}/preview - plan a pending upload's preview and sign a POST form for exactly it
export const POST = route(
  {
    name: "POST /api/uploads/{id}/preview",
    auth: "user",
    params: { id: fileIdParam },
    item: ownedFileItem,
    body: planPreviewBodySchema,
    maxBodyBytes: PREVIEW_MAX_BODY_BYTES,
  },
  async ({ user, item, body }) => {
    checkPreviewRequest(item, body);
    // Only a valid request spends budget, and it does before anything is stored or signed.
    await enforceRateLimit("upload-requests", user.id);
    const response: PlanPreviewResponse = { upload: await startPreview(item, body) };
    return Response.json(response, { status: 201 });
  },
);
