import type { EndedSessionsResponse } from "@/lib/contracts/auth-schemas";
import { endAllSessions } from "@/server/auth/sessions";
import { route } from "@/server/http/route";

// DELETE /api/sessions - sign out everywhere: every session of the account ends, this one included
// The session only; API tokens are not sessions and keep working (revoke them on /settings).
export const DELETE = route({ name: "DELETE /api/sessions", auth: "session" }, async ({ user }) => {
  const ended: EndedSessionsResponse = { endedSessions: await endAllSessions(user.id) };
  return Response.json(ended);
});
