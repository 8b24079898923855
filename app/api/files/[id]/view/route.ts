import { viewUrl } from "@/server/library/library";
import { fileIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// GET /api/files/{id}/view - 302 to a presigned URL: allowlisted media inline (a lightbox), anything else as an attachment
export const GET = route({ name: "GET /api/files/{id}/view", auth: "user", params: { id: fileIdParam } }, async ({ user, params }) => {
  const location = await viewUrl(params.id, user.id);
  // Never cached (the wrapper says so): the URL expires in minutes and belongs to this user.
  return new Response(null, { status: 302, headers: { location, "referrer-policy": "no-referrer" } });
});
