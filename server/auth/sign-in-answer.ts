import "server-only";
import { parseRateLimitedSignInError } from "@/lib/sign-in-errors";

/**
 * next-auth answers every refused credentials sign-in alike (401, or 200 `{url}` for the page's
 * JSON call), with the error code in the URL. A sign-in refused by the limits becomes a real
 * `429` with `Retry-After`, keeping next-auth's JSON body so its client still reads the code.
 */
export async function withSignInRateLimitStatus(res: Response): Promise<Response> {
  if (!res.headers.get("content-type")?.includes("application/json")) return res;
  const body = (await res.clone().json().catch(() => null)) as { url?: unknown } | null;
  if (typeof body?.url !== "string") return res;
  let code: string | null = null;
  try {
    code = new URL(body.url, "http://localhost").searchParams.get("error");
  } catch {
    return res;
  }
  const wait = parseRateLimitedSignInError(code);
  if (wait === null) return res;
  const headers = new Headers(res.headers);
  headers.set("Retry-After", String(wait));
  return new Response(JSON.stringify(body), { status: 429, headers });
}
