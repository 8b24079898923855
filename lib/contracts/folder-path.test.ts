import { describe, expect, it } from "vitest";
import { folderPathProblem, folderPathSchema, MAX_FOLDER_NAME_LENGTH, MAX_FOLDER_PATH_LENGTH } from "./folder-path";

describe("folderPathProblem", () => {
  it.each(["Holiday", "Holiday/Day 1", "a/b/c/d/e", "Fotos/Été 2026", "x".repeat(MAX_FOLDER_NAME_LENGTH), ".config", "a..b/c"])("accepts %j", (path) => {
    expect(folderPathProblem(path)).toBeNull();
  });

  it.each([
    ["", /empty/],
    ["/etc", /relative/],
    ["a//b", /empty folder names/],
    ["a/", /empty folder names/],
    ["..", /\.\./],
    ["a/../b", /\.\./],
    ["./a", /\.\./],
    ["a\\b", /not \\/],
    ["a/\u0000b", /control/],
    ["a\nb", /control/],
    ["a/\u009bb", /control/],
    ["a/\u007f", /control/],
    [" a/b", /spaces/],
    ["a/b ", /spaces/],
    ["x".repeat(MAX_FOLDER_NAME_LENGTH + 1), new RegExp(`${MAX_FOLDER_NAME_LENGTH} characters`)],
    [Array.from({ length: 300 }, () => "abcd").join("/"), new RegExp(`${MAX_FOLDER_PATH_LENGTH} characters`)],
  ])("refuses %j", (path, reason) => {
    expect(folderPathProblem(path)).toMatch(reason);
  });
});

describe("folderPathSchema", () => {
  it("stores one spelling of a name: decomposed accents become composed (NFC)", () => {
    expect(folderPathSchema.parse("E\u0301te\u0301")).toBe("\u00c9t\u00e9");
  });

  it("refuses with the problem as the message", () => {
    const result = folderPathSchema.safeParse("a/../b");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/\.\./);
  });
});
