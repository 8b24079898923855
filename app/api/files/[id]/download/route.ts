import { getCurrentUser } from "@/server/auth/auth";
import { fileIdParam } from "@/server/http/parse";
import { downloadUrl } from "@/server/library/library";
import { logged } from "@/server/http/request-log";

// GET /api/files/{id}/download - 302 to a short-lived presigned URL that downloads as an attachment
async function handleGET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser(req);
  const location = await downloadUrl(await fileIdParam(params), user.id);
  // Never cached: the URL expires in minutes and belongs to this user.
  return new Response(null, { status: 302, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });
}

export const GET = logged("GET /api/files/{id}/download", handleGET);
