import { getCurrentUser } from "@/server/auth/auth";
import { toFileDto } from "@/server/library/file-dto";
import { parseJsonBody } from "@/server/http/parse";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { createUploadBodySchema, type CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import { createUpload, planUpload } from "@/server/uploads/uploads";
import { logged } from "@/server/http/request-log";

// POST /api/uploads - register a file and sign a POST policy for it, or start a multipart upload
async function handlePOST(req: Request) {
  const user = await getCurrentUser(req);
  const body = await parseJsonBody(req, createUploadBodySchema);
  const planned = planUpload(user.id, body);
  // Only a valid request spends budget, and it does before anything is stored or signed.
  await enforceRateLimit("uploads", user.id);
  const { item, upload } = await createUpload(planned);
  const response: CreateUploadResponse = { file: toFileDto(item), upload };
  return Response.json(response, { status: 201 });
}

export const POST = logged("POST /api/uploads", handlePOST);
