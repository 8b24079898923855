import { describe, expect, it } from "vitest";
import { droppedEntries, pickedInChunks, readEntryTree, type EntryChunk, type EntryLike } from "./folder-entries";

/** A fake file entry: what Chromium hands out for a dropped file, `fullPath` from the drop's root. */
function fileEntry(fullPath: string, readable = true): EntryLike {
  const name = fullPath.slice(fullPath.lastIndexOf("/") + 1);
  return {
    isFile: true,
    isDirectory: false,
    fullPath,
    file: (ok, fail) => (readable ? ok(new File(["x"], name, { type: "image/png" })) : fail(new Error("NotReadableError"))),
  };
}

/** A fake folder whose reader answers at most `batch` entries per readEntries call, like Chromium's 100. */
function dirEntry(fullPath: string, children: EntryLike[], batch = 2): EntryLike & { reads: number } {
  const dir = {
    isFile: false as const,
    isDirectory: true as const,
    fullPath,
    reads: 0,
    createReader() {
      let offset = 0;
      return {
        readEntries(ok: (entries: EntryLike[]) => void) {
          dir.reads++;
          const next = children.slice(offset, offset + batch);
          offset += next.length;
          // Asynchronous, as the browser's is.
          setTimeout(() => ok(next), 0);
        },
      };
    },
  };
  return dir;
}

async function collect(chunks: AsyncIterable<EntryChunk>): Promise<EntryChunk[]> {
  const all: EntryChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

const flat = (chunks: EntryChunk[]) => chunks.flatMap((c) => c.files.map(({ file, path }) => `${path ?? "-"} | ${file.name}`)).sort();

describe("readEntryTree", () => {
  it("reads every file below a dropped folder, calling readEntries until it answers empty", async () => {
    const day1 = dirEntry("/Holiday/Day 1", [fileEntry("/Holiday/Day 1/a.png"), fileEntry("/Holiday/Day 1/b.png"), fileEntry("/Holiday/Day 1/c.png")]);
    const deep = dirEntry("/Holiday/Day 2/Evening", [fileEntry("/Holiday/Day 2/Evening/d.png")]);
    const day2 = dirEntry("/Holiday/Day 2", [deep]);
    const root = dirEntry("/Holiday", [fileEntry("/Holiday/top.png"), day1, day2]);
    const chunks = await collect(readEntryTree([root, fileEntry("/loose.png")]));
    expect(flat(chunks)).toEqual([
      "- | loose.png",
      "Holiday | top.png",
      "Holiday/Day 1 | a.png",
      "Holiday/Day 1 | b.png",
      "Holiday/Day 1 | c.png",
      "Holiday/Day 2/Evening | d.png",
    ]);
    // Three entries two at a time, then the empty answer that says the folder is read.
    expect(day1.reads).toBe(3);
    expect(root.reads).toBe(3);
  });

  it("hands files over in chunks as it goes, not all at the end", async () => {
    const files = Array.from({ length: 25 }, (_, i) => fileEntry(`/Big/f${i}.png`));
    const chunks = await collect(readEntryTree([dirEntry("/Big", files, 10)], 10));
    expect(chunks.map((c) => c.files.length)).toEqual([10, 10, 5]);
  });

  it("counts what it cannot read and goes on", async () => {
    const chunks = await collect(readEntryTree([dirEntry("/F", [fileEntry("/F/ok.png"), fileEntry("/F/locked.png", false)])]));
    expect(flat(chunks)).toEqual(["F | ok.png"]);
    expect(chunks.reduce((n, c) => n + c.unreadable, 0)).toBe(1);
  });
});

describe("droppedEntries", () => {
  const item = (entry: EntryLike | null, file: File | null = null) =>
    ({ kind: "file", webkitGetAsEntry: () => entry, getAsFile: () => file }) as unknown as DataTransferItem;
  const transfer = (items: DataTransferItem[]) => ({ items: items as unknown as DataTransferItemList });

  it("is null when only files were dropped (the caller reads dataTransfer.files)", () => {
    expect(droppedEntries(transfer([item(fileEntry("/a.png"))]))).toBeNull();
  });

  it("lists a folder's entry, and a file with no entry as a loose file", async () => {
    const entries = droppedEntries(transfer([item(dirEntry("/F", [fileEntry("/F/a.png")])), item(null, new File(["x"], "b.png"))]))!;
    expect(flat(await collect(readEntryTree(entries)))).toEqual(["- | b.png", "F | a.png"]);
  });
});

it("pickedInChunks splits a list in hand", async () => {
  const picked = Array.from({ length: 5 }, (_, i) => ({ file: new File(["x"], `${i}.png`), path: "F" }));
  expect((await collect(pickedInChunks(picked, 2))).map((c) => c.files.length)).toEqual([2, 2, 1]);
});
