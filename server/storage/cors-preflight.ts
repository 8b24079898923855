/**
 * What a store's answer to a browser's CORS preflight allows (pure: the probe in ability-probes.ts
 * sends the preflight). A browser checks the same three things before it sends the PUT.
 */

/** Whether a preflight's answer lets `origin` send a PUT with `headers` (each named, or `*`). */
export function preflightRefusal(res: Response, origin: string, headers: readonly string[]): string | null {
  if (!res.ok) return `answered ${res.status}`;
  const allowedOrigin = res.headers.get("access-control-allow-origin");
  if (allowedOrigin !== origin && allowedOrigin !== "*") return `origin not allowed (Access-Control-Allow-Origin: ${allowedOrigin ?? "none"})`;
  const listed = (name: string) => (res.headers.get(name) ?? "").split(",").map((entry) => entry.trim().toLowerCase());
  const methods = listed("access-control-allow-methods");
  if (!methods.includes("put") && !methods.includes("*")) return `PUT not allowed (Access-Control-Allow-Methods: ${methods.join(", ") || "none"})`;
  const allowedHeaders = listed("access-control-allow-headers");
  const missing = headers.filter((header) => !allowedHeaders.includes(header.toLowerCase()) && !allowedHeaders.includes("*"));
  return missing.length > 0 ? `headers not allowed: ${missing.join(", ")}` : null;
}
