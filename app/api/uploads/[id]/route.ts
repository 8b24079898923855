import { getCurrentUser } from "@/server/auth/auth";
import { toFileDto } from "@/server/library/file-dto";
import { fileIdParam } from "@/server/http/parse";
import { multipartTarget, storedParts } from "@/server/uploads/multipart";
import type { UploadStatusResponse } from "@/lib/contracts/upload-schemas";
import { cancelUpload, requireOwnedItem } from "@/server/uploads/uploads";
import { logged } from "@/server/http/request-log";

type Context = { params: Promise<{ id: string }> };

// GET /api/uploads/{id} - the file and, for a multipart upload, the parts already stored (for resume)
async function handleGET(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  const item = await requireOwnedItem(await fileIdParam(params), user.id);
  const response: UploadStatusResponse = { file: toFileDto(item), upload: null, parts: [] };
  if (item.strategy === "multipart" && item.status === "pending") {
    const parts = await storedParts(item);
    response.upload = multipartTarget(item);
    response.parts = parts === "gone" ? [] : parts.map(({ partNumber, size, etag }) => ({ partNumber, size, etag }));
  }
  return Response.json(response);
}

// DELETE /api/uploads/{id} - cancel a pending upload and remove anything already stored
async function handleDELETE(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  await cancelUpload(await fileIdParam(params), user.id);
  return new Response(null, { status: 204 });
}

export const GET = logged("GET /api/uploads/{id}", handleGET);
export const DELETE = logged("DELETE /api/uploads/{id}", handleDELETE);
