/**
 * Where a picked file sat inside the folder that was dropped or chosen: the folder names above
 * it, '/'-separated (`Holiday/Day 1`), sent as `path` with its create request. The page checks it
 * with the same rule the server applies (lib/contracts/folder-path.ts), so a path the server would
 * refuse is listed as rejected with the reason instead of being requested.
 */
import { folderPathProblem } from "@/lib/contracts/folder-path";
import type { RuleViolation } from "@/lib/upload-rules";

/** A file and the folder it came from; `path` is absent for a loose file (picked or dropped alone). */
export type PickedFile = { file: File; path?: string };

/**
 * The folder part of a relative path: `Holiday/Day 1/a.jpg` → `Holiday/Day 1`, `a.jpg` → undefined.
 * Accepts a FileSystemEntry's `fullPath` too, which starts with `/`. NFC, as the server stores it
 * (macOS hands out decomposed names).
 */
export function folderOf(relativePath: string): string | undefined {
  const path = relativePath.replace(/^\/+/, "");
  const slash = path.lastIndexOf("/");
  if (slash < 0) return undefined;
  return path.slice(0, slash).normalize("NFC");
}

/** Files from an `<input webkitdirectory>` (or a plain one): each keeps its folder from `webkitRelativePath`. */
export function pickedFromInput(files: readonly File[]): PickedFile[] {
  return files.map((file) => {
    // Empty for files picked without webkitdirectory.
    const path = file.webkitRelativePath ? folderOf(file.webkitRelativePath) : undefined;
    return path === undefined ? { file } : { file, path };
  });
}

/** Null for no folder or a folder the server accepts; else why not, as the queue shows it. */
export function checkFolderPath(path: string | undefined): RuleViolation | null {
  if (path === undefined) return null;
  const problem = folderPathProblem(path);
  return problem ? { code: "bad_request", message: `Folder "${path}": ${problem}.` } : null;
}
