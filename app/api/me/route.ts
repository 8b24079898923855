import { getCurrentUser } from "@/lib/auth.server";
import { toErrorResponse } from "@/lib/errors";
import { logged } from "@/lib/request-log";

// GET /api/me - who the session (or token) belongs to
async function handleGET(req: Request) {
  try {
    return Response.json({ user: await getCurrentUser(req) });
  } catch (err) {
    return toErrorResponse(err);
  }
}

export const GET = logged("GET /api/me", handleGET);
