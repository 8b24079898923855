import "server-only";
import { NextRequest } from "next/server";
import { toErrorResponse } from "@/server/http/app-error";
import { KIB } from "@/lib/units";
import { readBodyBytes } from "./parse";

/** next-auth's forms (CSRF token, email, password, callback URL) take well under 4 KB. */
export const AUTH_MAX_BODY_BYTES = 64 * KIB;

/**
 * A handler that reads its own body (next-auth's, which has no cap) behind the same cap as route():
 * the body is read here, at most `maxBytes` of it (413 `payload_too_large` past that), and the
 * handler gets a copy of the request holding those bytes.
 */
export function withBodyLimit<C>(
  handler: (req: NextRequest, ctx: C) => Promise<Response>,
  maxBytes: number,
): (req: NextRequest, ctx: C) => Promise<Response> {
  return async (req, ctx) => {
    if (req.method === "GET" || req.method === "HEAD") return handler(req, ctx);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBodyBytes(req, maxBytes);
    } catch (err) {
      return toErrorResponse(err);
    }
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    return handler(new NextRequest(req.url, { method: req.method, headers, body: body.byteLength > 0 ? body : undefined }), ctx);
  };
}
