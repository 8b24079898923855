import { getCurrentUser } from "@/lib/auth.server";
import { toFileDto } from "@/lib/file-dto";
import { fileIdParam, parseJsonBody } from "@/lib/http";
import { deleteFile, renameFile } from "@/lib/library.server";
import { renameFileBodySchema, type RenameFileResponse } from "@/lib/library-schemas";
import { logged } from "@/lib/request-log";

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
