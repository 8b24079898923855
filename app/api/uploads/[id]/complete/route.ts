import { getCurrentUser } from "@/server/auth/auth";
import { fileIdParam } from "@/server/http/parse";
import { toFileDto } from "@/server/library/file-dto";
import type { CompleteUploadResponse } from "@/lib/contracts/upload-schemas";
import { completeUpload } from "@/server/uploads/uploads";
import { logged } from "@/server/http/request-log";

type Context = { params: Promise<{ id: string }> };

// POST /api/uploads/{id}/complete - mark the file uploaded once S3 confirms size and type
async function handlePOST(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  const id = await fileIdParam(params);
  const item = await completeUpload(id, user.id);
  const response: CompleteUploadResponse = { file: toFileDto(item) };
  return Response.json(response);
}

export const POST = logged("POST /api/uploads/{id}/complete", handlePOST);
