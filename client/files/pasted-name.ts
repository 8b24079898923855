/**
 * Names for pasted files. A screenshot pasted from the clipboard has no name of its own: Chromium,
 * Firefox and Safari all call it `image.png`, so ten pastes would be ten files called image.png.
 * Such files get a dated name instead (`Pasted image 2026-11-30 16-05-09.png`); a file copied from
 * a file manager keeps its real name.
 */
import { EXTENSIONS_BY_TYPE, extensionOf } from "@/lib/upload-rules";

/** The placeholder names browsers give clipboard images (`image.png`, `image.jpeg`...), or none at all. */
const PLACEHOLDER = /^(image\.[a-z0-9]+)?$/i;

const pad = (n: number) => String(n).padStart(2, "0");

/** Local date and time, with `-` instead of `:` (not allowed in file names on Windows and macOS Finder). */
export function pasteStamp(at: Date): string {
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${date} ${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
}

/**
 * The names to upload one paste's files under, in order: placeholders become dated names, unique
 * within the paste (` (2)`, ` (3)` for a second and third image of the same second).
 */
export function pastedNames(files: ReadonlyArray<{ name: string; type: string }>, at: Date): string[] {
  const stamp = pasteStamp(at);
  const used = new Map<string, number>();
  return files.map(({ name, type }) => {
    if (!PLACEHOLDER.test(name.trim())) return name;
    const kind = type.startsWith("image/") ? "image" : "file";
    const ext = extensionOf(name) || EXTENSIONS_BY_TYPE[type]?.[0] || "bin";
    const base = `Pasted ${kind} ${stamp}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? `${base}.${ext}` : `${base} (${n}).${ext}`;
  });
}

/** The pasted files, renamed where they had only a placeholder name (bytes, type and date kept). */
export function namePastedFiles(files: readonly File[], at: Date): File[] {
  const names = pastedNames(files, at);
  return files.map((file, i) => (names[i] === file.name ? file : new File([file], names[i]!, { type: file.type, lastModified: file.lastModified })));
}
