import { createUser } from "@/db/queries/users";
import { registerBodySchema } from "@/lib/contracts/auth-schemas";
import { assertSameOriginRequest } from "@/server/http/csrf";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/contracts/errors";
import { parseJsonBody } from "@/server/http/parse";
import { hashPassword } from "@/server/auth/password";
import { logged } from "@/server/http/request-log";

// POST /api/register - create an email + password account
async function handlePOST(req: Request) {
  // No session yet, but the same cross-site rule: another site must not create accounts here.
  assertSameOriginRequest(req, getEnv().APP_URL);
  const body = await parseJsonBody(req, registerBodySchema);
  const user = await createUser({
    email: body.email,
    name: body.name || null,
    passwordHash: await hashPassword(body.password),
  });
  if (!user) throw new AppError("conflict", "An account with this email already exists.");
  return Response.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
}

export const POST = logged("POST /api/register", handlePOST);
