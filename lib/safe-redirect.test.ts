import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeRedirectPath } from "./safe-redirect";

const ORIGIN = "https://app.example";

describe("safeRedirectPath (regression: /%5Cevil.example passed the prefix check and left the site)", () => {
  it.each([
    ["a decoded backslash", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["a tab between the slashes", "/\t/evil.example"],
    ["a newline between the slashes", "/\n/evil.example"],
    ["a carriage return between the slashes", "/\r/evil.example"],
    ["a leading tab", "\t//evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["an absolute URL elsewhere", "https://evil.example/files"],
    ["our host on another scheme", "http://app.example/files"],
    ["our host on another port", "https://app.example:444/files"],
    ["javascript:", "javascript:alert(1)"],
    ["javascript: with a tab", "java\tscript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["a user-info trick", "https://app.example@evil.example/"],
  ])("refuses %s", (_label, raw) => {
    expect(safeRedirectPath(raw, ORIGIN)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it.each([
    ["a path with query and hash", "/files?x=1#y", "/files?x=1#y"],
    ["the root", "/", "/"],
    ["an absolute URL on our origin", "https://app.example/settings?tab=tokens", "/settings?tab=tokens"],
    ["a relative path", "files", "/files"],
    ["an encoded tab stays an encoded path segment", "/%09/evil.example", "/%09/evil.example"],
    ["an encoded backslash stays an encoded path segment", "/%5Cevil.example", "/%5Cevil.example"],
    ["dot segments that would make //host are collapsed", "/.//evil.example", "/evil.example"],
  ])("keeps %s on our origin", (_label, raw, expected) => {
    expect(safeRedirectPath(raw, ORIGIN)).toBe(expected);
  });

  // The sign-in page reads callbackUrl with URLSearchParams, which decodes %5C and %09 first.
  it.each([
    ["/%5Cevil.example"],
    ["/%09/evil.example"],
    ["/%0A/evil.example"],
    ["%2F%2Fevil.example"],
    ["https%3A%2F%2Fevil.example"],
    ["javascript%3Aalert(1)"],
  ])("refuses ?callbackUrl=%s as the page decodes it", (encoded) => {
    const raw = new URLSearchParams(`callbackUrl=${encoded}`).get("callbackUrl");
    expect(safeRedirectPath(raw, ORIGIN)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it("keeps ?callbackUrl=%2Ffiles%3Fx%3D1%23y as the page decodes it", () => {
    expect(safeRedirectPath(new URLSearchParams("callbackUrl=%2Ffiles%3Fx%3D1%23y").get("callbackUrl"), ORIGIN)).toBe("/files?x=1#y");
  });

  it.each([null, undefined, ""])("falls back for %j", (raw) => {
    expect(safeRedirectPath(raw, ORIGIN, "/home")).toBe("/home");
  });

  it("falls back when the origin itself is not a URL", () => {
    expect(safeRedirectPath("/files", "not a url")).toBe(DEFAULT_AFTER_SIGN_IN);
  });
});
