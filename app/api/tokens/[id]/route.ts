import { revokeApiToken } from "@/db/queries/api-tokens";
import { getCurrentUser } from "@/server/auth/auth";
import { AppError } from "@/lib/contracts/errors";
import { fileIdParam } from "@/server/http/parse";
import { logged } from "@/server/http/request-log";

type Context = { params: Promise<{ id: string }> };

// DELETE /api/tokens/{id} - revoke a token; it answers 401 from the next request on
async function handleDELETE(req: Request, { params }: Context) {
  const user = await getCurrentUser(req, { allowApiToken: false });
  const id = await fileIdParam(params).catch(() => null);
  if (!id || !(await revokeApiToken({ id, userId: user.id }))) throw new AppError("not_found", "No such token.");
  return new Response(null, { status: 204 });
}

export const DELETE = logged("DELETE /api/tokens/{id}", handleDELETE);
