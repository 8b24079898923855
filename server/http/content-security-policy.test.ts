import { describe, expect, it } from "vitest";
import { newNonce, pageContentSecurityPolicy } from "./content-security-policy";

const directives = (policy: string) => new Map(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));

/** The two default AWS host names of one bucket (lib/storage-endpoints.ts). */
const STANDARD = "https://bucket.s3.eu-west-1.amazonaws.com";
const DUALSTACK = "https://bucket.s3.dualstack.eu-west-1.amazonaws.com";

describe("pageContentSecurityPolicy", () => {
  const policy = directives(pageContentSecurityPolicy({ nonce: "abc123==", storageOrigins: [STANDARD, DUALSTACK], dev: false }));

  it.each([
    ["script-src", ["'self'", "'nonce-abc123=='", "'strict-dynamic'", "'wasm-unsafe-eval'"]],
    ["connect-src", ["'self'", STANDARD, DUALSTACK]],
    ["worker-src", ["'self'", "blob:"]],
    ["img-src", ["'self'", "data:", "blob:", STANDARD, DUALSTACK]],
    ["media-src", ["'self'", "blob:", STANDARD, DUALSTACK]],
    ["style-src", ["'self'", "'unsafe-inline'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]],
    ["form-action", ["'self'"]],
    ["frame-ancestors", ["'none'"]],
  ])("%s", (name, sources) => {
    expect(policy.get(name)).toEqual(sources);
  });

  it("allows eval only in development", () => {
    expect(policy.get("script-src")).not.toContain("'unsafe-eval'");
    const dev = directives(pageContentSecurityPolicy({ nonce: "n", storageOrigins: [], dev: true }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
  });

  it("connects to this origin only when storage is unknown", () => {
    expect(directives(pageContentSecurityPolicy({ nonce: "n", storageOrigins: [], dev: false })).get("connect-src")).toEqual(["'self'"]);
  });
});

describe("newNonce", () => {
  it("is 128 random bits, fresh each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
