import { describe, expect, it } from "vitest";
import { noTrustedProxyWarning } from "./start";

describe("noTrustedProxyWarning (issue 23: a production server without a trusted proxy said nothing)", () => {
  it.each([
    ["production without a proxy", "production", 0, true],
    ["production behind one proxy", "production", 1, false],
    ["development without a proxy", "development", 0, false],
    ["tests without a proxy", "test", 0, false],
  ] as const)("%s", (_label, NODE_ENV, TRUST_PROXY_HOPS, warns) => {
    const warning = noTrustedProxyWarning({ NODE_ENV, TRUST_PROXY_HOPS });
    if (!warns) return expect(warning).toBeNull();
    expect(warning).toMatch(/^TRUST_PROXY_HOPS is 0: /);
    expect(warning).toContain("docs/deploy.md");
    expect(warning).not.toContain("\n");
  });
});
