/**
 * Where the browser reaches the bucket: one or more host names of the same bucket. Chromium opens
 * at most 6 HTTP/1.1 connections per host and S3 speaks no HTTP/2, so small files over a
 * high-latency link cannot fill it through one host; forms and part URLs are spread over these
 * (docs/deploy.md "Upload host names"). Pure: server/env.ts validates with it, server/storage/
 * builds its signers from it, and the dev script and the bench print it.
 */

/**
 * An endpoint URL the operator named (or derived from S3_ENDPOINT), or AWS's own regional host
 * for the bucket, standard or dual-stack, which the SDK's endpoint rules place (virtual-hosted
 * `BUCKET.s3[.dualstack].REGION.amazonaws.com`, or path style for dotted names over HTTPS, whose
 * virtual host the `*.s3…` certificate does not cover).
 */
export type BrowserEndpoint = { url: string } | { aws: "standard" | "dualstack" };

/** Loopback names of the same listener: each is its own host to the browser's connection limit. */
const LOOPBACK_NAMES = ["127.0.0.1", "localhost"] as const;

/** The comma-separated entries of S3_PUBLIC_ENDPOINT, trimmed, without empties or repeats. */
export function splitEndpointList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  ];
}

/** Why an entry is not a usable endpoint URL, or null when it is. */
export function endpointProblem(entry: string): string | null {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return `"${entry}" is not a URL`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `"${entry}" is not an http(s) URL`;
  if (url.search || url.hash || url.username || url.password) return `"${entry}" must be a plain endpoint (no query, fragment or credentials)`;
  return null;
}

/** `endpoint` with its host name replaced, port and path kept, as written (no trailing slash added). */
function withHostname(endpoint: string, hostname: string): string {
  const url = new URL(endpoint);
  const path = url.pathname === "/" && !endpoint.endsWith("/") ? "" : url.pathname;
  return `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ""}${path}`;
}

/**
 * The browser's endpoints, first one first (it also serves download and view URLs):
 * - S3_PUBLIC_ENDPOINT set: its entries, as listed (one entry stays one host);
 * - else S3_ENDPOINT on a loopback name (dev, tests, the bench): it and the other loopback name;
 * - else S3_ENDPOINT: it alone (a store's one public name is all we know);
 * - else (AWS S3): the bucket's standard and dual-stack regional hosts.
 */
export function browserEndpoints(input: { publicEndpoints?: readonly string[]; endpoint?: string }): BrowserEndpoint[] {
  if (input.publicEndpoints && input.publicEndpoints.length > 0) return input.publicEndpoints.map((url) => ({ url }));
  if (!input.endpoint) return [{ aws: "standard" }, { aws: "dualstack" }];
  const hostname = new URL(input.endpoint).hostname;
  if (!(LOOPBACK_NAMES as readonly string[]).includes(hostname)) return [{ url: input.endpoint }];
  return [{ url: input.endpoint }, ...LOOPBACK_NAMES.filter((name) => name !== hostname).map((name) => ({ url: withHostname(input.endpoint!, name) }))];
}

/** For logs and banners: the URL, or what AWS host it stands for. */
export function describeEndpoint(endpoint: BrowserEndpoint, bucket: string, region: string): string {
  if ("url" in endpoint) return endpoint.url;
  const dualstack = endpoint.aws === "dualstack" ? ".dualstack" : "";
  return bucket.includes(".") ? `https://s3${dualstack}.${region}.amazonaws.com/${bucket}` : `https://${bucket}.s3${dualstack}.${region}.amazonaws.com`;
}
