import { getCurrentUser } from "@/server/auth/auth";
import { listLibrary } from "@/server/library/library";
import { listFilesQuerySchema, queryParams } from "@/lib/contracts/library-schemas";
import { logged } from "@/server/http/request-log";

// GET /api/files - the caller's uploaded files: one page, filtered and sorted, plus their usage
async function handleGET(req: Request) {
  const user = await getCurrentUser(req);
  const query = listFilesQuerySchema.parse(queryParams(new URL(req.url)));
  return Response.json(await listLibrary(user.id, query));
}

export const GET = logged("GET /api/files", handleGET);
