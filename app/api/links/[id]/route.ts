import { route } from "@/server/http/route";
import { linkIdParam } from "@/server/sharing/share-params";
import { revokeShareLink } from "@/server/sharing/share-links";

// DELETE /api/links/{id} - revoke a share link; its page and download answer 404 from the next request on
export const DELETE = route({ name: "DELETE /api/links/{id}", auth: "user", params: { id: linkIdParam } }, async ({ user, params }) => {
  await revokeShareLink(params.id, user.id);
  return new Response(null, { status: 204 });
});
