import { toFileItemJsonWithPreview } from "@/server/library/file-urls";
import type { CompleteUploadResponse } from "@/lib/contracts/upload-schemas";
import { completeUpload } from "@/server/uploads/complete";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";
import { enforceRateLimit } from "@/server/ops/rate-limit";

// POST /api/uploads/{id}/complete - mark the file uploaded once S3 confirms size and type
export const POST = route({ name: "POST /api/uploads/{id}/complete", auth: "user", params: { id: fileIdParam } }, async ({ user, params }) => {
  await enforceRateLimit("completes", user.id);
  const response: CompleteUploadResponse = { file: await toFileItemJsonWithPreview(await completeUpload(params.id, user.id)) };
  return Response.json(response);
});
