import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/server/auth/auth";
import { finishSignInAnswer } from "@/server/auth/sign-in-answer";
import { withSignInScope } from "@/server/auth/sign-in-scope";
import { AUTH_MAX_BODY_BYTES, withBodyLimit } from "@/server/http/body-limit";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// GET|POST /api/auth/* - next-auth's sign-in, callback, session and sign-out endpoints.
// Built per request from lazily parsed env so `next build` needs no runtime secrets.
// A credentials sign-in refused by the sign-in limits answers 429 with Retry-After (503 when the
// server's password-check slots are all taken); one that succeeds also sets the device cookie.
async function handler(req: NextRequest, ctx: RouteContext) {
  const { result: res, scope } = await withSignInScope(async () => NextAuth(getAuthOptions())(req, { params: await ctx.params }));
  return req.method === "POST" ? finishSignInAnswer(res, scope) : res;
}

// next-auth reads form bodies whole; a POST is read here first, capped (413 past the cap).
const POST = withBodyLimit(handler, AUTH_MAX_BODY_BYTES);

export { handler as GET, POST };
