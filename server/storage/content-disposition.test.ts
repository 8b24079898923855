import { describe, expect, it } from "vitest";
import { attachmentDisposition, FALLBACK_FILE_NAME, safeBaseName } from "./content-disposition";

/** What a browser does with `filename*`: percent-decode the UTF-8 after `UTF-8''`. */
function extendedName(header: string): string {
  const match = /filename\*=UTF-8''([^;\s]*)$/.exec(header);
  if (!match?.[1]) throw new Error(`no filename* in ${header}`);
  return decodeURIComponent(match[1]);
}

function fallbackName(header: string): string {
  const match = /filename="([^"]*)"/.exec(header);
  if (!match || match[1] === undefined) throw new Error(`no filename in ${header}`);
  return match[1];
}

describe("attachmentDisposition", () => {
  it.each([
    ["plain ASCII", "report.pdf", "report.pdf", "report.pdf"],
    ["spaces", "my report.pdf", "my report.pdf", "my report.pdf"],
    ["double quotes", 'say "hi".png', "say _hi_.png", 'say "hi".png'],
    ["backslash path", "C:\\Users\\me\\x.png", "x.png", "x.png"],
    ["a trailing backslash", 'a\\".png', "_.png", '".png'],
    ["parent directory", "../x", "x", "x"],
    ["deep traversal", "../../etc/passwd", "passwd", "passwd"],
    ["newline (header injection)", "a\r\nSet-Cookie: x=1.png", "aSet-Cookie: x=1.png", "aSet-Cookie: x=1.png"],
    ["NUL and DEL", "a\u0000b\u007fc.png", "abc.png", "abc.png"],
    ["unicode", "résumé 📄.png", "r_sum_ __.png", "résumé 📄.png"],
    ["markup", "<script>.png", "<script>.png", "<script>.png"],
    ["markup with a closing tag", "<script>alert(1)</script>.png", "script>.png", "script>.png"],
    ["percent", "100%.png", "100_.png", "100%.png"],
    ["semicolon and equals", "a; filename=evil.exe", "a; filename=evil.exe", "a; filename=evil.exe"],
    ["bidi override", "invoice\u202Egnp.exe", "invoicegnp.exe", "invoicegnp.exe"],
    ["apostrophe and parentheses", "it's (1)*.png", "it's (1)*.png", "it's (1)*.png"],
  ])("%s", (_label, name, fallback, decoded) => {
    const header = attachmentDisposition(name);
    expect(header.startsWith('attachment; filename="')).toBe(true);
    expect(fallbackName(header)).toBe(fallback);
    expect(extendedName(header)).toBe(decoded);
    // Printable ASCII only; outside the one quoted string, exactly one of each parameter.
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    const unquoted = header.replace(/"[^"]*"/, '""');
    expect(unquoted).toMatch(/^attachment; filename=""; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
  });

  it("percent-encodes every character that is not an RFC 5987 attr-char", () => {
    const value = attachmentDisposition("it's (1)*.png").split("filename*=UTF-8''")[1];
    expect(value).toBe("it%27s%20%281%29%2A.png");
  });

  it.each([
    ["empty", ""],
    ["only a slash", "/"],
    ["dot-dot", ".."],
    ["path ending in dot-dot", "a/.."],
    ["only control characters", "\n\t"],
  ])("falls back to a fixed name for %s", (_label, name) => {
    expect(safeBaseName(name)).toBe(FALLBACK_FILE_NAME);
    expect(attachmentDisposition(name)).toBe(`attachment; filename="${FALLBACK_FILE_NAME}"; filename*=UTF-8''${FALLBACK_FILE_NAME}`);
  });

  it("replaces a lone surrogate instead of throwing", () => {
    expect(extendedName(attachmentDisposition("a\uD800b.png"))).toBe("a\uFFFDb.png");
  });
});
