import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/auth";
import { withSignInRateLimitStatus } from "@/server/auth/sign-in-answer";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// GET|POST /api/auth/* - next-auth's sign-in, callback, session and sign-out endpoints.
// Built per request from lazily parsed env so `next build` needs no runtime secrets.
// A credentials sign-in refused by the sign-in limits answers 429 with Retry-After.
async function handler(req: Request, ctx: RouteContext) {
  const res = await NextAuth(getAuthOptions())(req, { params: await ctx.params });
  return req.method === "POST" ? withSignInRateLimitStatus(res) : res;
}

export { handler as GET, handler as POST };
