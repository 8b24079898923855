import { getCurrentUser } from "@/lib/auth.server";
import { toErrorResult } from "@/lib/errors";
import { toFileDto } from "@/lib/file-dto";
import { parseJsonBody } from "@/lib/http";
import { logged } from "@/lib/request-log";
import { completeUploadsBodySchema, type CompleteUploadsResponse } from "@/lib/upload-schemas";
import { completeUploads } from "@/lib/uploads.server";

// POST /api/uploads/batch/complete - POST /api/uploads/{id}/complete for up to 100 uploads, answered per upload
async function handlePOST(req: Request) {
  const user = await getCurrentUser(req);
  const { ids } = await parseJsonBody(req, completeUploadsBodySchema);
  const results: CompleteUploadsResponse["results"] = (await completeUploads(ids, user.id)).map((outcome) =>
    outcome instanceof Error ? toErrorResult(outcome) : { status: 200, file: toFileDto(outcome) },
  );
  return Response.json({ results } satisfies CompleteUploadsResponse);
}

export const POST = logged("POST /api/uploads/batch/complete", handlePOST);
