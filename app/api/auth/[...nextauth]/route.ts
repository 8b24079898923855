import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/server/auth/auth";
import { AUTH_MAX_BODY_BYTES, withBodyLimit } from "@/server/http/body-limit";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// GET|POST /api/auth/* - next-auth's sign-in, callback, session and sign-out endpoints.
// Built per request from lazily parsed env so `next build` needs no runtime secrets.
async function handler(req: NextRequest, ctx: RouteContext) {
  return NextAuth(getAuthOptions())(req, { params: await ctx.params });
}

// next-auth reads form bodies whole; a POST is read here first, capped (413 past the cap).
const POST = withBodyLimit(handler, AUTH_MAX_BODY_BYTES);

export { handler as GET, POST };
