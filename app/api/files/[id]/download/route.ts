import { downloadUrl } from "@/server/library/library";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// GET /api/files/{id}/download - 302 to a short-lived presigned URL that downloads as an attachment
export const GET = route({ name: "GET /api/files/{id}/download", auth: "user", params: { id: fileIdParam } }, async ({ user, params }) => {
  const location = await downloadUrl(params.id, user.id);
  // Never cached (the wrapper says so): the URL expires in minutes and belongs to this user.
  return new Response(null, { status: 302, headers: { location, "referrer-policy": "no-referrer" } });
});
