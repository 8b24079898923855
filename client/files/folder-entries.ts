/**
 * Reads a dropped folder tree (the File and Directory Entries API: DataTransferItem.webkitGetAsEntry)
 * a piece at a time, so a folder of thousands of files reaches the queue in chunks while the page
 * stays responsive. Browser API only, no React; the shapes below are the few members used, so
 * unit tests can pass plain objects.
 */
import { folderOf, type PickedFile } from "./folder-path";

/** Files handed to the queue at once: each add copies the queue's row array, so not one by one. */
export const CHUNK_FILES = 200;

type FileEntryLike = { isFile: true; isDirectory: false; fullPath: string; file(ok: (file: File) => void, fail: (err: unknown) => void): void };
type DirectoryEntryLike = {
  isFile: false;
  isDirectory: true;
  fullPath: string;
  createReader(): { readEntries(ok: (entries: EntryLike[]) => void, fail: (err: unknown) => void): void };
};
export type EntryLike = FileEntryLike | DirectoryEntryLike;

/** A chunk of files read so far, and how many entries could not be read (permissions, vanished files). */
export type EntryChunk = { files: PickedFile[]; unreadable: number };

function fileOf(entry: FileEntryLike): Promise<File | null> {
  return new Promise((resolve) => entry.file(resolve, () => resolve(null)));
}

function readBatch(reader: ReturnType<DirectoryEntryLike["createReader"]>): Promise<EntryLike[] | null> {
  return new Promise((resolve) => reader.readEntries(resolve, () => resolve(null)));
}

/**
 * Every file in and below `roots`, in chunks of about `chunkSize`. `readEntries` answers a
 * directory in batches (Chromium: 100 entries), so it is called until it answers an empty one.
 * Each file's path is its folder relative to what was dropped, the dropped folder's own name
 * first (`Holiday/Day 1`); a file dropped on its own has none.
 */
export async function* readEntryTree(roots: readonly EntryLike[], chunkSize = CHUNK_FILES): AsyncGenerator<EntryChunk> {
  const pending: EntryLike[] = [...roots];
  let chunk: EntryChunk = { files: [], unreadable: 0 };
  while (pending.length > 0) {
    const entry = pending.shift()!;
    if (entry.isDirectory) {
      const reader = entry.createReader();
      for (let batch = await readBatch(reader); ; batch = await readBatch(reader)) {
        if (batch === null) chunk.unreadable++;
        if (!batch || batch.length === 0) break;
        const files = await Promise.all(batch.filter((e): e is FileEntryLike => e.isFile).map(async (e) => ({ e, file: await fileOf(e) })));
        for (const { e, file } of files) {
          if (file) chunk.files.push({ file, path: folderOf(e.fullPath) });
          else chunk.unreadable++;
        }
        // Depth first would also do; breadth first shows the top folder's files first.
        pending.push(...batch.filter((e) => e.isDirectory));
        if (chunk.files.length >= chunkSize) {
          yield chunk;
          chunk = { files: [], unreadable: 0 };
        }
      }
    } else {
      const file = await fileOf(entry);
      // A file dropped on its own sits at "/name": no folder.
      if (file) chunk.files.push({ file, path: folderOf(entry.fullPath) });
      else chunk.unreadable++;
    }
  }
  if (chunk.files.length > 0 || chunk.unreadable > 0) yield chunk;
}

/**
 * Files already in hand (an `<input webkitdirectory>` of 2,000 files), in the same chunks, with a
 * task boundary between them so the page paints and stays responsive while the queue grows.
 */
export async function* pickedInChunks(files: readonly PickedFile[], chunkSize = CHUNK_FILES): AsyncGenerator<EntryChunk> {
  for (let i = 0; i < files.length; i += chunkSize) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    yield { files: files.slice(i, i + chunkSize), unreadable: 0 };
  }
}

/**
 * What was dropped, as entries, when it holds a folder; null when it is only files (the caller
 * reads `dataTransfer.files` as before). Must run inside the drop event: the browser empties the
 * DataTransfer once the handler returns. An item with no entry (dragged from another app) that
 * still is a file counts as a loose file.
 */
export function droppedEntries(transfer: Pick<DataTransfer, "items">): EntryLike[] | null {
  const entries: EntryLike[] = [];
  let folders = 0;
  for (const item of Array.from(transfer.items ?? [])) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.() as unknown as EntryLike | null;
    if (entry) {
      if (entry.isDirectory) folders++;
      entries.push(entry);
      continue;
    }
    const file = item.getAsFile();
    if (file) entries.push({ isFile: true, isDirectory: false, fullPath: `/${file.name}`, file: (ok) => ok(file) });
  }
  return folders > 0 ? entries : null;
}
