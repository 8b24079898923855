import type { FileItemJson } from "@/lib/contracts/upload-schemas";

/** The file as people tell it apart from a namesake in another folder: `Holiday/Day 1/beach.jpg`. */
export const fullName = (file: FileItemJson) => (file.path ? `${file.path}/${file.name}` : file.name);

/**
 * The folder a file was uploaded from, before its name: muted, but also marked by its trailing
 * slash and, for screen readers, by words; isolated so bidi characters in it can't reorder the name.
 */
export function FolderPath({ path }: { path: string }) {
  return (
    <span className="muted" data-testid="file-path" title={`Folder: ${path}`}>
      <span className="visually-hidden">In folder </span>
      <bdi>{path}</bdi>/
    </span>
  );
}
