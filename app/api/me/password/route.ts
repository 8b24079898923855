import { changePasswordBodySchema, type EndedSessionsResponse } from "@/lib/contracts/auth-schemas";
import { changePassword } from "@/server/auth/password-change";
import { route } from "@/server/http/route";

// POST /api/me/password - change the password; every other session of the account ends
// The session only: an API token can't take over the account by changing its password.
export const POST = route({ name: "POST /api/me/password", auth: "session", body: changePasswordBodySchema }, async ({ req, user, body }) => {
  const ended = await changePassword({ userId: user.id, sessionId: user.sessionId, body, headers: req.headers });
  return Response.json(ended satisfies EndedSessionsResponse);
});
