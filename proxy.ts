import { NextResponse, type NextRequest } from "next/server";
import { newNonce, pageContentSecurityPolicy } from "@/server/http/content-security-policy";
import { storageBrowserOrigin } from "@/server/storage/part-urls";

/** Where the browser sends file bytes; without a working configuration, only this origin. */
async function storageOrigin(): Promise<string | null> {
  try {
    return await storageBrowserOrigin();
  } catch {
    return null;
  }
}

/**
 * Every page gets a fresh nonce and the Content-Security-Policy naming it, on the request (Next.js
 * reads the nonce from there for its scripts) and on the response. The other security headers, and
 * the API's own policy, are static: next.config.mjs `headers()`.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const policy = pageContentSecurityPolicy({ nonce: newNonce(), storageOrigin: await storageOrigin(), dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only. API routes answer JSON (their policy is static), and a proxy that ran on them would
  // make Next.js copy each request body in memory (up to 10 MB) before the route's own body cap.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
