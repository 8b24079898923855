import { route } from "@/server/http/route";

// GET /api/me - who the session (or token) belongs to
export const GET = route({ name: "GET /api/me", auth: "user" }, async ({ user: { id, email, name } }) => Response.json({ user: { id, email, name } }));
