import "server-only";
import { AppError } from "@/server/http/app-error";

/** Methods that change state; GET and HEAD must never do so, so they are not checked. */
const STATE_CHANGING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function changesState(req: Request): boolean {
  return STATE_CHANGING_METHODS.has(req.method.toUpperCase());
}

/** The media type without parameters: `application/json; charset=utf-8` → `application/json`. */
function mediaType(header: string | null): string | null {
  const essence = header?.split(";")[0]?.trim().toLowerCase();
  return essence ? essence : null;
}

function hasBody(req: Request): boolean {
  return Number(req.headers.get("content-length") ?? 0) > 0 || req.headers.has("transfer-encoding");
}

/**
 * Refuses a cookie-authenticated (or anonymous) state-changing request that may come from another
 * site. A cross-site `<form>` or no-cors `fetch` can POST without a preflight, but only as
 * `text/plain`, `multipart/form-data` or form-urlencoded, and browsers always send `Origin` on
 * such a POST, so two checks suffice:
 * - `Origin` must be the app's own origin (from APP_URL). Without `Origin`, `Sec-Fetch-Site`
 *   must say `same-origin`; with neither the request is refused (403 `forbidden`).
 * - A body must be `application/json` (415 `unsupported_media_type`), a type no cross-site
 *   request can send without a CORS preflight, which this app never grants.
 * Bearer-token requests skip this: browsers never attach an Authorization header on their own.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
export function assertSameOriginRequest(req: Request, appUrl: string): void {
  if (!changesState(req)) return;
  const origin = req.headers.get("origin");
  const sameOrigin = origin !== null ? origin === new URL(appUrl).origin : req.headers.get("sec-fetch-site") === "same-origin";
  if (!sameOrigin) throw new AppError("forbidden", "Cross-site request refused.");
  const type = mediaType(req.headers.get("content-type"));
  if (type !== null ? type !== "application/json" : hasBody(req)) throw new AppError("unsupported_media_type");
}
