import { route } from "@/server/http/route";

// GET /api/me - who the session (or token) belongs to
export const GET = route({ name: "GET /api/me", auth: "user" }, async ({ user }) => Response.json({ user: { id: user.id, email: user.email, name: user.name } }));
