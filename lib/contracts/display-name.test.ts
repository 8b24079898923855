import { describe, expect, it } from "vitest";
import { displayNameSchema, nameCharacterProblem } from "./display-name";

describe("nameCharacterProblem", () => {
  it.each([
    ["plain ASCII", "beach 2026.png"],
    ["accents and other scripts", "Été фото 写真.png"],
    ["an emoji with a variation selector", "\u2764\uFE0F.png"],
    ["an emoji ZWJ sequence (woman technologist)", "\u{1F469}\u200D\u{1F4BB} notes.png"],
    ["a Persian word with a zero-width non-joiner", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.png"],
    ["a Devanagari conjunct with a zero-width joiner", "\u0915\u094D\u200D\u0937.png"],
    ["Arabic text without marks", "\u0645\u0644\u0641.png"],
  ])("accepts %s", (_label, name) => {
    expect(nameCharacterProblem(name)).toBeNull();
  });

  it.each([
    ["a right-to-left override", "invoice\u202Efdp.png", "U+202E"],
    ["a left-to-right override", "a\u202D.png", "U+202D"],
    ["a right-to-left embedding", "a\u202B.png", "U+202B"],
    ["a pop directional formatting", "a\u202C.png", "U+202C"],
    ["a left-to-right isolate", "a\u2066.png", "U+2066"],
    ["a pop directional isolate", "a\u2069.png", "U+2069"],
    ["a left-to-right mark", "a\u200E.png", "U+200E"],
    ["a right-to-left mark", "a\u200F.png", "U+200F"],
    ["an Arabic letter mark", "a\u061C.png", "U+061C"],
    ["a zero-width space", "in\u200Bvoice.png", "U+200B"],
    ["a zero-width joiner between ASCII letters", "in\u200Dvoice.png", "U+200D"],
    ["a zero-width non-joiner between ASCII letters", "in\u200Cvoice.png", "U+200C"],
    ["a zero-width joiner at the start", "\u200D\u{1F469}.png", "U+200D"],
    ["a zero-width joiner at the end", "\u{1F469}\u200D", "U+200D"],
    ["a word joiner", "a\u2060b.png", "U+2060"],
    ["a byte order mark", "\uFEFFa.png", "U+FEFF"],
    ["a soft hyphen", "in\u00ADvoice.png", "U+00AD"],
    ["a tag character", "a\u{E0041}.png", "U+E0041"],
    ["a line separator", "a\u2028b.png", "U+2028"],
    ["a paragraph separator", "a\u2029b.png", "U+2029"],
  ])("refuses %s, naming it", (_label, name, codePoint) => {
    expect(nameCharacterProblem(name)).toBe(`must not contain invisible or text-direction characters (${codePoint})`);
  });

  it.each([
    ["a NUL", "a\u0000.png"],
    ["a newline", "a\nb.png"],
    ["DEL", "a\u007F.png"],
    ["a C1 control (NEL)", "a\u0085.png"],
  ])("refuses %s as a control character", (_label, name) => {
    expect(nameCharacterProblem(name)).toBe("must not contain control characters");
  });
});

describe("displayNameSchema", () => {
  it("trims, then refuses with the character named", () => {
    const schema = displayNameSchema(100);
    expect(schema.parse("  ci token ")).toBe("ci token");
    expect(schema.safeParse("ci\u202Etoken").error?.issues[0]?.message).toBe("must not contain invisible or text-direction characters (U+202E)");
  });
});
