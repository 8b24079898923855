import { toFileItemJson } from "@/server/library/file-item-json";
import { multipartTarget, storedParts } from "@/server/uploads/multipart";
import type { UploadStatusResponse } from "@/lib/contracts/upload-schemas";
import { cancelUpload } from "@/server/uploads/cancel";
import { ownedFileItem } from "@/server/uploads/owned";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";
import { enforceRateLimit } from "@/server/ops/rate-limit";

// GET /api/uploads/{id} - the file and, for a multipart upload, the parts already stored (for resume)
export const GET = route({ name: "GET /api/uploads/{id}", auth: "user", params: { id: fileIdParam }, item: ownedFileItem }, async ({ user, item }) => {
  await enforceRateLimit("upload-status", user.id);
  const response: UploadStatusResponse = { file: toFileItemJson(item), upload: null, parts: [] };
  if (item.strategy === "multipart" && item.status === "pending") {
    const parts = await storedParts(item);
    response.upload = multipartTarget(item);
    response.parts = parts === "gone" ? [] : parts.map(({ partNumber, size, etag }) => ({ partNumber, size, etag }));
  }
  return Response.json(response);
});

// DELETE /api/uploads/{id} - cancel a pending upload and remove anything already stored
export const DELETE = route({ name: "DELETE /api/uploads/{id}", auth: "user", params: { id: fileIdParam } }, async ({ user, params }) => {
  await cancelUpload(params.id, user.id);
  return new Response(null, { status: 204 });
});
