import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/auth";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// GET|POST /api/auth/* - next-auth's sign-in, callback, session and sign-out endpoints.
// Built per request from lazily parsed env so `next build` needs no runtime secrets.
async function handler(req: Request, ctx: RouteContext) {
  return NextAuth(getAuthOptions())(req, { params: await ctx.params });
}

export { handler as GET, handler as POST };
