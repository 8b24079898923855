import { revokeApiToken } from "@/db/token-queries";
import { getCurrentUser } from "@/lib/auth.server";
import { AppError, toErrorResponse } from "@/lib/errors";
import { fileIdParam } from "@/lib/http";

type Context = { params: Promise<{ id: string }> };

// DELETE /api/tokens/{id} - revoke a token; it answers 401 from the next request on
export async function DELETE(req: Request, { params }: Context) {
  try {
    const user = await getCurrentUser(req, { allowApiToken: false });
    const id = await fileIdParam(params).catch(() => null);
    if (!id || !(await revokeApiToken({ id, userId: user.id }))) throw new AppError("not_found", "No such token.");
    return new Response(null, { status: 204 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
