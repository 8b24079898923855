import { getCurrentUser } from "@/server/auth/auth";
import { toFileDto } from "@/server/library/file-dto";
import { fileIdParam, parseJsonBody } from "@/server/http/parse";
import { deleteFile, renameFile } from "@/server/library/library";
import { renameFileBodySchema, type RenameFileResponse } from "@/lib/contracts/library-schemas";
import { logged } from "@/server/http/request-log";

type Context = { params: Promise<{ id: string }> };

// PATCH /api/files/{id} - rename: the display name changes, the S3 key never does
async function handlePATCH(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  const id = await fileIdParam(params);
  const body = await parseJsonBody(req, renameFileBodySchema);
  const response: RenameFileResponse = { file: toFileDto(await renameFile(id, user.id, body.name)) };
  return Response.json(response);
}

// DELETE /api/files/{id} - remove the object from S3, then mark the row deleted
async function handleDELETE(req: Request, { params }: Context) {
  const user = await getCurrentUser(req);
  await deleteFile(await fileIdParam(params), user.id);
  return new Response(null, { status: 204 });
}

export const PATCH = logged("PATCH /api/files/{id}", handlePATCH);
export const DELETE = logged("DELETE /api/files/{id}", handleDELETE);
