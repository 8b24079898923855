import { toErrorResult } from "@/server/http/app-error";
import { toFileItemJson } from "@/server/library/file-item-json";
import { route } from "@/server/http/route";
import { CREATE_BATCH_MAX_BODY_BYTES, createUploadsBodySchema, type CreateUploadsResponse } from "@/lib/contracts/upload-schemas";
import { requestUploads } from "@/server/uploads/create";

// POST /api/uploads/batch - POST /api/uploads for up to 100 files in one request, answered per file
export const POST = route({ name: "POST /api/uploads/batch", auth: "user", body: createUploadsBodySchema, maxBodyBytes: CREATE_BATCH_MAX_BODY_BYTES }, async ({ user, body }) => {
  const results: CreateUploadsResponse["results"] = (await requestUploads(user.id, body.files)).map((outcome) =>
    outcome instanceof Error ? toErrorResult(outcome) : { status: 201, file: toFileItemJson(outcome.item), upload: outcome.upload },
  );
  return Response.json({ results } satisfies CreateUploadsResponse);
});
