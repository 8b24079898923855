import { getCurrentUser } from "@/server/auth/auth";
import { logged } from "@/server/http/request-log";

// GET /api/me - who the session (or token) belongs to
async function handleGET(req: Request) {
  return Response.json({ user: await getCurrentUser(req) });
}

export const GET = logged("GET /api/me", handleGET);
