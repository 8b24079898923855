import { describe, expect, it } from "vitest";
import { DEFAULT_ALLOWED_TYPES } from "./upload-rules";
import { checkUpload, extensionOf, isTypeAllowed, parseAllowedTypes, safeExtension } from "./upload-rules";

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
  ])("%s", (_label, file, code) => {
    expect(checkUpload(file, rules)?.code ?? null).toBe(code);
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
