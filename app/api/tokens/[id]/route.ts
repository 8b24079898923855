import { revokeApiToken } from "@/server/auth/api-tokens";
import { tokenIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";
import { enforceRateLimit } from "@/server/ops/rate-limit";

// DELETE /api/tokens/{id} - revoke a token; it answers 401 from the next request on
export const DELETE = route({ name: "DELETE /api/tokens/{id}", auth: "session", params: { id: tokenIdParam } }, async ({ user, params }) => {
  await enforceRateLimit("token-changes", user.id);
  await revokeApiToken(user.id, params.id);
  return new Response(null, { status: 204 });
});
