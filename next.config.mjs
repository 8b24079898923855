/**
 * Headers on every answer, pages and API alike. Pages get their Content-Security-Policy with a
 * per-request nonce from proxy.ts; the API answers only JSON, so its policy allows nothing.
 * @see docs/api.md "Security headers"
 */
const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
/**
 * Share links (`/s/<token>` and its download) carry their token in the URL: no Referer may pass it
 * on (to storage after the redirect, or to any link on the page) and no search engine may keep it.
 * Listed after SECURITY_HEADERS, so this Referrer-Policy replaces the general one.
 */
const SHARE_HEADERS = [
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Robots-Tag", value: "noindex" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WebAssembly and data files from its own package folder at run time,
  // so it must stay a plain Node require instead of being bundled.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
  // Nothing uses next/image (previews are presigned storage URLs in plain <img>), so the
  // /_next/image optimizer, which fetches and resizes on the server's CPU, answers 404.
  images: { unoptimized: true },
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
      { source: "/s/:path*", headers: SHARE_HEADERS },
    ];
  },
};

export default nextConfig;
