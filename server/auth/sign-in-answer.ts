import "server-only";
import { parseBusySignInError, parseRateLimitedSignInError } from "@/lib/sign-in-errors";
import { deviceCookieFor } from "./device-cookie";
import type { SignInScope } from "./sign-in-scope";

/** The status and wait a refused sign-in's error code stands for, or null for a wrong password and the rest. */
function statusOf(code: string | null): { status: number; wait: number } | null {
  const limited = parseRateLimitedSignInError(code);
  if (limited !== null) return { status: 429, wait: limited };
  const busy = parseBusySignInError(code);
  if (busy !== null) return { status: 503, wait: busy };
  return null;
}

/**
 * next-auth answers every refused credentials sign-in alike (401, or 200 `{url}` for the page's
 * JSON call), with the error code in the URL. A sign-in refused by the limits becomes a real
 * `429`, and one refused because every password-check slot was taken a `503`, each with
 * `Retry-After`, keeping next-auth's JSON body so its client still reads the code.
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
  const refused = statusOf(code);
  if (!refused) return res;
  const headers = new Headers(res.headers);
  headers.set("Retry-After", String(refused.wait));
  return new Response(JSON.stringify(body), { status: refused.status, headers });
}

/**
 * The answer to a POST to next-auth's routes: the status of a refused sign-in
 * (withSignInRateLimitStatus), and for a sign-in whose password proved right, the browser's
 * device cookie for that account (device-cookie.ts).
 */
export async function finishSignInAnswer(res: Response, scope: SignInScope): Promise<Response> {
  if (scope.passwordSignIn && res.status < 400) {
    const headers = new Headers(res.headers);
    headers.append("Set-Cookie", deviceCookieFor(scope.passwordSignIn.email));
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
  return withSignInRateLimitStatus(res);
}
