import { createUser } from "@/db/queries/users";
import { registerBodySchema } from "@/lib/contracts/auth-schemas";
import { AppError } from "@/lib/contracts/errors";
import { hashPassword } from "@/server/auth/password";
import { route } from "@/server/http/route";

// POST /api/register - create an email + password account
// No session yet, but "public" still applies the cross-site rule: another site must not create accounts here.
export const POST = route({ name: "POST /api/register", auth: "public", body: registerBodySchema }, async ({ body }) => {
  const user = await createUser({
    email: body.email,
    name: body.name || null,
    passwordHash: await hashPassword(body.password),
  });
  if (!user) throw new AppError("conflict", "An account with this email already exists.");
  return Response.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
});
