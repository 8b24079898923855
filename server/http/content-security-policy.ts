import "server-only";

/**
 * The Content-Security-Policy every page is served under (proxy.ts sets it per request; Next.js
 * reads the nonce from it and puts it on its own scripts, which is why every page renders
 * dynamically). Scripts run only by nonce, and what they load (`'strict-dynamic'`); the browser
 * talks to this origin and to storage (`storageOrigins`: every host name of the bucket that forms and
 * part URLs are spread over) only, and shows images and media from them
 * (previews and the lightbox load presigned GETs, straight or behind a 302); the CRC32 Web Worker comes from our
 * bundle and hash-wasm compiles WebAssembly; nothing may frame the page.
 * `'unsafe-eval'` only in `next dev`, where React rebuilds server error stacks with eval.
 * @see https://nextjs.org/docs/app/guides/content-security-policy
 */
export function pageContentSecurityPolicy(input: { nonce: string; storageOrigins: readonly string[]; dev: boolean }): string {
  const storage = input.storageOrigins;
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${input.nonce}'`, "'strict-dynamic'", "'wasm-unsafe-eval'", ...(input.dev ? ["'unsafe-eval'"] : [])],
    // React and Next set style attributes, which a nonce cannot allow.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", ...storage],
    "media-src": ["'self'", "blob:", ...storage],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...storage],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** A random nonce per page response: 128 bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
