import { revokeApiToken } from "@/db/queries/api-tokens";
import { AppError } from "@/lib/contracts/errors";
import { tokenIdParam } from "@/server/http/params";
import { route } from "@/server/http/route";

// DELETE /api/tokens/{id} - revoke a token; it answers 401 from the next request on
export const DELETE = route({ name: "DELETE /api/tokens/{id}", auth: "session", params: { id: tokenIdParam } }, async ({ user, params }) => {
  if (!(await revokeApiToken({ id: params.id, userId: user.id }))) throw new AppError("not_found", "No such token.");
  return new Response(null, { status: 204 });
});
