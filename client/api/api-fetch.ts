/**
 * The one way this app's API is called: by the page (same origin, with its session cookie) and by
 * the CLI (the app's base URL and an API token). A non-2xx answer is thrown as ApiError.
 */
import type { ErrorBody } from "@/lib/contracts/errors";
import { retryAfterMs } from "@/client/retry-policy";
import { ApiError } from "./api-error";

export type ApiFetchOptions = {
  /** Where the app is; the page leaves it out and calls its own origin. */
  baseUrl?: string;
  /** Sent with every request, such as the CLI's `authorization: Bearer <token>`. */
  headers?: Record<string, string>;
};

/** Resolves with the parsed JSON answer (undefined for a 204). */
export type ApiFetch = <T>(path: string, init?: RequestInit) => Promise<T>;

export function createApiFetch({ baseUrl, headers = {} }: ApiFetchOptions = {}): ApiFetch {
  return async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const merged = new Headers(init.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    let res: Response;
    try {
      res = await fetch(baseUrl ? new URL(path, baseUrl) : path, { ...init, headers: merged, credentials: "same-origin" });
    } catch {
      throw new ApiError(0, "network_error", `${baseUrl ?? "The server"} could not be reached.`);
    }
    if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    const message = body?.error?.message ?? `The server answered ${res.status}.`;
    const retryAfter = res.headers.get("retry-after");
    throw new ApiError(res.status, body?.error?.code ?? "internal", message, retryAfterMs(retryAfter), waitSeconds(retryAfter));
  };
}

/** A `Retry-After` of a positive number of seconds, as said; null for none, a date or nonsense. */
function waitSeconds(header: string | null): number | null {
  const seconds = Number(header);
  return header && seconds > 0 ? seconds : null;
}

/** The page's calls: same origin, authenticated by the session cookie. */
export const callApi: ApiFetch = createApiFetch();

/** A request that sends `body` as JSON. */
export function jsonRequest(method: "POST" | "PATCH", body: unknown): RequestInit {
  return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
