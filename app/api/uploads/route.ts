import { toFileItemJson } from "@/server/library/file-item-json";
import { createUploadBodySchema, type CreateUploadResponse } from "@/lib/contracts/upload-schemas";
import { requestUpload } from "@/server/uploads/create";
import { route } from "@/server/http/route";

// POST /api/uploads - register a file and sign a POST policy for it, or start a multipart upload (a batch of one)
export const POST = route({ name: "POST /api/uploads", auth: "user", body: createUploadBodySchema }, async ({ user, body }) => {
  const { item, upload } = await requestUpload(user.id, body);
  const response: CreateUploadResponse = { file: toFileItemJson(item), upload };
  return Response.json(response, { status: 201 });
});
