import { getCurrentUser } from "@/lib/auth.server";
import { toErrorResponse } from "@/lib/errors";

// GET /api/me - who the session (or token) belongs to
export async function GET(req: Request) {
  try {
    return Response.json({ user: await getCurrentUser(req) });
  } catch (err) {
    return toErrorResponse(err);
  }
}
