import { NextResponse, type NextRequest } from "next/server";
import { AppError } from "@/server/http/app-error";
import { enforceShareRateLimit } from "@/server/sharing/share-access";
import { newNonce, pageContentSecurityPolicy } from "@/server/http/content-security-policy";
import { storageBrowserOrigins } from "@/server/storage/part-urls";
import { strictTransportSecurity } from "@/server/http/transport-security";

/** Where the browser sends file bytes (every host name of the bucket); without a working configuration, only this origin. */
async function storageOrigins(): Promise<string[]> {
  try {
    return await storageBrowserOrigins();
  } catch {
    return [];
  }
}

/** A shared file's page, `/s/{token}` (its download, `/s/{token}/download`, is a route that limits itself). */
const SHARE_PAGE = /^\/s\/[^/]+\/?$/;

/**
 * A share page over its address's budget answers 429 with Retry-After, which the page itself
 * could not (a page renders with 200 or 404); page views and downloads share the budget.
 */
async function refuseOverShareLimit(request: NextRequest): Promise<NextResponse | null> {
  if (!SHARE_PAGE.test(request.nextUrl.pathname)) return null;
  try {
    await enforceShareRateLimit(request.headers);
    return null;
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "rate_limited") throw err;
    const headers = new Headers(err.headers);
    headers.set("content-type", "text/plain; charset=utf-8");
    headers.set("cache-control", "no-store");
    headers.set("referrer-policy", "no-referrer");
    headers.set("x-robots-tag", "noindex");
    return new NextResponse(err.message, { status: 429, headers });
  }
}

/**
 * Every page gets a fresh nonce and the Content-Security-Policy naming it, on the request (Next.js
 * reads the nonce from there for its scripts) and on the response.
 */
async function withPagePolicy(request: NextRequest): Promise<NextResponse> {
  const policy = pageContentSecurityPolicy({ nonce: newNonce(), storageOrigins: await storageOrigins(), dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

/**
 * Pages (and `/s/…`): the share limit, the page's Content-Security-Policy, and
 * `Strict-Transport-Security` when APP_URL is https (read at run time, as the route wrapper does
 * for API answers). The other security headers, and the API's own policy, are static:
 * next.config.mjs `headers()`.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const response = (await refuseOverShareLimit(request)) ?? (await withPagePolicy(request));
  const hsts = strictTransportSecurity();
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

export const config = {
  // Pages only. API routes answer JSON (their policy is static), and a proxy that ran on them would
  // make Next.js copy each request body in memory (up to 10 MB) before the route's own body cap.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
