import { toFileItemJsonWithPreview } from "@/server/library/file-urls";
import { deleteFile, renameFile } from "@/server/library/library";
import { renameFileBodySchema, type RenameFileResponse } from "@/lib/contracts/library-schemas";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// PATCH /api/files/{id} - rename: the display name changes, the S3 key never does
export const PATCH = route({ name: "PATCH /api/files/{id}", auth: "user", params: { id: fileIdParam }, body: renameFileBodySchema }, async ({ user, params, body }) => {
  const response: RenameFileResponse = { file: await toFileItemJsonWithPreview(await renameFile(params.id, user.id, body.name)) };
  return Response.json(response);
});

// DELETE /api/files/{id} - remove the object from S3, then mark the file item deleted
export const DELETE = route({ name: "DELETE /api/files/{id}", auth: "user", params: { id: fileIdParam } }, async ({ user, params }) => {
  await deleteFile(params.id, user.id);
  return new Response(null, { status: 204 });
});
