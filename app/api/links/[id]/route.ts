import { route } from "@/server/http/route";
import { enforceRateLimit } from "@/server/ops/rate-limit";
import { linkIdParam } from "@/server/sharing/share-params";
import { revokeShareLink } from "@/server/sharing/share-links";

// DELETE /api/links/{id} - revoke a share link; its page and download answer 404 from the next request on
export const DELETE = route({ name: "DELETE /api/links/{id}", auth: "user", params: { id: linkIdParam } }, async ({ user, params }) => {
  await enforceRateLimit("link-changes", user.id);
  await revokeShareLink(params.id, user.id);
  return new Response(null, { status: 204 });
});
