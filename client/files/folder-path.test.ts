import { describe, expect, it } from "vitest";
import { checkFolderPath, folderOf, pickedFromInput } from "./folder-path";
import { MAX_FOLDER_PATH_LENGTH } from "@/lib/contracts/folder-path";

describe("folderOf", () => {
  it.each([
    ["Holiday/Day 1/a.jpg", "Holiday/Day 1"],
    ["Holiday/a.jpg", "Holiday"],
    ["a.jpg", undefined],
    // FileSystemEntry.fullPath of a dropped folder's file, and of a file dropped on its own.
    ["/Holiday/Day 1/a.jpg", "Holiday/Day 1"],
    ["/a.jpg", undefined],
    ["", undefined],
  ])("%j → %j", (relative, folder) => {
    expect(folderOf(relative)).toBe(folder);
  });

  it("normalises to NFC, as the server stores paths (macOS hands out decomposed names)", () => {
    const decomposed = "Cafe\u0301/x.png";
    expect(folderOf(decomposed)).toBe("Caf\u00e9");
  });
});

describe("pickedFromInput", () => {
  const withRelativePath = (name: string, relative: string) => {
    const file = new File(["x"], name, { type: "image/png" });
    Object.defineProperty(file, "webkitRelativePath", { value: relative });
    return file;
  };

  it("keeps each file's folder from webkitRelativePath, and none for a plain pick", () => {
    const picked = pickedFromInput([withRelativePath("a.png", "Holiday/Day 1/a.png"), withRelativePath("b.png", "Holiday/b.png"), new File(["x"], "c.png")]);
    expect(picked.map(({ file, path }) => [file.name, path])).toEqual([
      ["a.png", "Holiday/Day 1"],
      ["b.png", "Holiday"],
      ["c.png", undefined],
    ]);
  });
});

/** Five folders of 200 characters, then one more folder: `tail` characters past 1,004. */
const longPath = (tail: number) => [...Array<string>(5).fill("a".repeat(200)), "b".repeat(tail)].join("/");

describe("checkFolderPath: the server's rule, with the reason", () => {
  it.each([
    ["no folder", undefined, null],
    ["a nested folder", "Holiday/Day 1", null],
    ["exactly the longest path", longPath(MAX_FOLDER_PATH_LENGTH - 1005), null],
    ["one character over", longPath(MAX_FOLDER_PATH_LENGTH - 1004), `must be at most ${MAX_FOLDER_PATH_LENGTH} characters`],
    ["a folder name with a leading space", "Holiday/ Day 1", "spaces at either end"],
    ["a .. folder", "Holiday/../x", "must not contain . or .. folders"],
    ["a backslash", "a\\b", "not \\"],
  ])("%s", (_label, path, reason) => {
    const violation = checkFolderPath(path);
    if (reason === null) expect(violation).toBeNull();
    else expect(violation).toMatchObject({ code: "bad_request", message: expect.stringContaining(reason) });
  });
});
