import { describe, expect, it } from "vitest";
import { DEFAULT_ALLOWED_TYPES } from "./upload-rules";
import { checkFileName, checkUpload, extensionOf, isTypeAllowed, parseAllowedTypes, safeExtension } from "./upload-rules";

const rules = { allowedTypes: parseAllowedTypes(DEFAULT_ALLOWED_TYPES), maxBytes: 1000 };

describe("checkUpload", () => {
  it.each([
    ["0 bytes", { name: "a.png", size: 0, type: "image/png" }, null],
    ["maxBytes exactly", { name: "a.png", size: 1000, type: "image/png" }, null],
    ["maxBytes + 1", { name: "a.png", size: 1001, type: "image/png" }, "too_large"],
    ["upper-case extension and type", { name: "A.JPG", size: 1, type: "IMAGE/JPEG" }, null],
    ["a disallowed type", { name: "a.html", size: 1, type: "text/html" }, "unsupported_type"],
    ["an extension that does not fit the type", { name: "a.html", size: 1, type: "image/png" }, "unsupported_type"],
    ["no extension", { name: "png", size: 1, type: "image/png" }, "unsupported_type"],
    ["an empty type", { name: "a.png", size: 1, type: "" }, "unsupported_type"],
    ["a blank name", { name: "   ", size: 1, type: "image/png" }, "bad_request"],
    ["each seed type: mov", { name: "a.mov", size: 1, type: "video/quicktime" }, null],
    ["each seed type: avi", { name: "a.avi", size: 1, type: "video/x-msvideo" }, null],
    ["each seed type: mp3", { name: "a.mp3", size: 1, type: "audio/mpeg" }, null],
    ["a right-to-left override", { name: "invoice\u202Efdp.png", size: 1, type: "image/png" }, "bad_request"],
    ["a zero-width space", { name: "a\u200B.png", size: 1, type: "image/png" }, "bad_request"],
  ])("%s", (_label, file, code) => {
    expect(checkUpload(file, rules)?.code ?? null).toBe(code);
  });
});

describe("checkFileName: a name for a file of a known type (create and rename)", () => {
  it.each([
    ["the type's extension", "beach.png", "image/png", null],
    ["another extension of the type, in capitals", "beach.JPEG", "image/jpeg", null],
    ["an HTML application", "invoice.hta", "image/png", "unsupported_type"],
    ["HTML", "a.html", "image/png", "unsupported_type"],
    ["SVG", "a.svg", "image/png", "unsupported_type"],
    ["another image type's extension", "a.gif", "image/png", "unsupported_type"],
    ["no extension", "beach", "image/png", "unsupported_type"],
    ["a type the table does not know", "a.png", "image/x-unknown", "unsupported_type"],
    ["a right-to-left override hiding .pdf", "invoice\u202Efdp.png", "image/png", "bad_request"],
    ["a blank name", "  ", "image/png", "bad_request"],
    ["256 characters", `${"n".repeat(252)}.png`, "image/png", "bad_request"],
  ])("%s", (_label, name, type, code) => {
    expect(checkFileName(name, type)?.code ?? null).toBe(code);
  });
});

describe("isTypeAllowed", () => {
  it.each([
    ["image/webp", ["image/*"], true],
    ["image/", ["image/*"], false],
    ["video/mp4", ["image/*"], false],
    ["image/png", ["image/png"], true],
    ["image/pngx", ["image/png"], false],
  ])("%s against %j is %s", (type, allowed, expected) => {
    expect(isTypeAllowed(type, allowed)).toBe(expected);
  });
});

describe("extensions", () => {
  it.each([
    ["photo.tar.png", "png"],
    [".bashrc", ""],
    ["trailing.", ""],
    ["none", ""],
  ])("extensionOf(%s) = %s", (name, ext) => expect(extensionOf(name)).toBe(ext));

  it("only copies an extension that the type's table lists", () => {
    expect(safeExtension("x.PNG", "image/png")).toBe(".png");
    expect(safeExtension("../../x.php", "image/png")).toBe("");
  });
});
