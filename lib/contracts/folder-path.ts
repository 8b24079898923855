import { z } from "zod";
import { nameCharacterProblem } from "./display-name";

/** A folder path's length, whole and per folder name: generous for real trees, bounded for the index and the page. */
export const MAX_FOLDER_PATH_LENGTH = 1024;
export const MAX_FOLDER_NAME_LENGTH = 255;

/**
 * Why a folder path is refused, or null when it is one: relative, `/`-separated folder names
 * (the file's own name is not part of it), none empty, `.` or `..`, no backslash (Windows
 * separators would read as another tree), no control, invisible or text-direction characters
 * (the rule of every name, lib/contracts/display-name.ts), within the lengths above.
 * It is a label the library shows and searches, never part of an S3 key.
 */
export function folderPathProblem(path: string): string | null {
  if (path.length === 0) return "must not be empty (leave it out for a file outside any folder)";
  if (path.length > MAX_FOLDER_PATH_LENGTH) return `must be at most ${MAX_FOLDER_PATH_LENGTH} characters`;
  const characters = nameCharacterProblem(path);
  if (characters) return characters;
  if (path.includes("\\")) return "must use / between folders, not \\";
  if (path.startsWith("/")) return "must be relative (no leading /)";
  for (const name of path.split("/")) {
    if (name.length === 0) return "must not have empty folder names (// or a trailing /)";
    if (name === "." || name === "..") return "must not contain . or .. folders";
    if (name.trim() !== name) return "must not have folder names with spaces at either end";
    if (name.length > MAX_FOLDER_NAME_LENGTH) return `must have folder names of at most ${MAX_FOLDER_NAME_LENGTH} characters`;
  }
  return null;
}

/** The folder a file was picked from, relative to what was dropped or chosen (`Holiday/Day 1`). */
export const folderPathSchema = z
  .string()
  .transform((path) => path.normalize("NFC"))
  .superRefine((path, ctx) => {
    const problem = folderPathProblem(path);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
