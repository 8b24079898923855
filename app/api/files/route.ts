import { listUploadedFiles } from "@/db/queries";
import { getCurrentUser } from "@/lib/auth.server";
import { toErrorResponse } from "@/lib/errors";
import { toFileDto } from "@/lib/file-dto";
import type { ListFilesResponse } from "@/lib/upload-schemas";

// GET /api/files - the caller's uploaded files, newest first
export async function GET(req: Request) {
  try {
    const user = await getCurrentUser(req);
    const files = await listUploadedFiles({ ownerId: user.id });
    const response: ListFilesResponse = { files: files.map(toFileDto) };
    return Response.json(response);
  } catch (err) {
    return toErrorResponse(err);
  }
}
