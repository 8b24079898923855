import { toFileDto } from "@/server/library/file-dto";
import { enforceUploadLimits } from "@/server/ops/rate-limit";
import { createUploadBodySchema, type CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import { createUpload, planUpload } from "@/server/uploads/create";
import { route } from "@/server/http/route";

// POST /api/uploads - register a file and sign a POST policy for it, or start a multipart upload
export const POST = route({ name: "POST /api/uploads", auth: "user", body: createUploadBodySchema }, async ({ user, body }) => {
  const planned = planUpload(user.id, body);
  // Only a valid request spends budget, and it does before anything is stored or signed.
  await enforceUploadLimits(user.id, 1);
  const { item, upload } = await createUpload(planned);
  const response: CreateUploadResponse = { file: toFileDto(item), upload };
  return Response.json(response, { status: 201 });
});
