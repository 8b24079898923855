import { getCurrentUser } from "@/server/auth/auth";
import { toErrorResult } from "@/lib/contracts/errors";
import { toFileDto } from "@/server/library/file-dto";
import { parseJsonBody } from "@/server/http/parse";
import { logged } from "@/server/http/request-log";
import { completeUploadsBodySchema, type CompleteUploadsResponse } from "@/lib/contracts/upload-schemas";
import { completeUploads } from "@/server/uploads/uploads";

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
