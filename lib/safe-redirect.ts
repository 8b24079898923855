/** Where a sign-in goes when it names no target, or one that is not ours. */
export const DEFAULT_AFTER_SIGN_IN = "/upload";

/**
 * The same-origin path (path, query and hash) a user-supplied redirect target stands for, or
 * `fallback` for anything that would leave `origin`. Decided the way the browser will read the
 * value: the WHATWG URL parser resolves it against `origin` (dropping tabs and newlines, reading
 * `\` as `/`, `//host` as another host), and only an unchanged origin passes. Prefix checks such
 * as `startsWith("/") && !startsWith("//")` miss `/\evil.example` and `/<tab>/evil.example`.
 */
export function safeRedirectPath(raw: string | null | undefined, origin: string, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (!raw) return fallback;
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (target.origin !== base.origin || base.origin === "null") return fallback;
  // A path such as `//evil.example` (from `/.//evil.example`) would itself be read as another host.
  const path = `/${target.pathname.replace(/^\/+/, "")}`;
  return `${path}${target.search}${target.hash}`;
}
