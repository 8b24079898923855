import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { GIF_SIGNATURE, PNG_SIGNATURE } from "../testing/file-signatures";
import { expect, test } from "./fixtures";

/**
 * Folders (picked with "Choose folder", or dropped: read entry by entry) and pasted images reach
 * the queue; each file keeps the folder it came from as its `path`, checked by the same rule as
 * the server's, and stored with it.
 */

type CreateBody = { name: string; path?: string };

/** Every create body the page sends, single or in a batch. */
function captureCreateBodies(page: Page): CreateBody[] {
  const bodies: CreateBody[] = [];
  page.on("request", (req) => {
    if (req.method() !== "POST") return;
    const { pathname } = new URL(req.url());
    if (pathname === "/api/uploads") bodies.push(req.postDataJSON());
    if (pathname === "/api/uploads/batch") bodies.push(...req.postDataJSON().files);
  });
  return bodies;
}

async function listed(page: Page): Promise<Array<{ name: string; path: string | null; size: number }>> {
  return page.evaluate(async () => (await (await fetch("/api/files?limit=100")).json()).files);
}

const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));

test("Choose folder, from the keyboard: every file below it uploads with its folder path; a disallowed one is rejected with the reason", async ({
  page,
  auth,
  newUser,
  uploadPage,
}, testInfo) => {
  const root = testInfo.outputPath("Holiday");
  await mkdir(path.join(root, "Day 1", "Evening"), { recursive: true });
  await writeFile(path.join(root, "top.png"), Buffer.concat([PNG_SIGNATURE, Buffer.alloc(1_000)]));
  await writeFile(path.join(root, "Day 1", "a.png"), Buffer.concat([PNG_SIGNATURE, Buffer.alloc(2_000)]));
  await writeFile(path.join(root, "Day 1", "Evening", "b.gif"), Buffer.concat([GIF_SIGNATURE, Buffer.alloc(3_000)]));
  await writeFile(path.join(root, "Day 1", "notes.html"), "<p>not an image</p>");
  await auth.signUp(newUser);
  await uploadPage.goto();
  const bodies = captureCreateBodies(page);

  await page.getByTestId("choose-folder-button").focus();
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles(root);

  const expected = [
    { name: "a.png", path: "Holiday/Day 1" },
    { name: "b.gif", path: "Holiday/Day 1/Evening" },
    { name: "top.png", path: "Holiday" },
  ];
  for (const { name, path: folder } of expected) {
    await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done");
    await expect(uploadPage.row(name)).toHaveAttribute("data-path", folder);
    await expect(uploadPage.row(name).getByTestId("upload-path")).toHaveText(`${folder}/`);
  }
  await expect(uploadPage.row("notes.html")).toHaveAttribute("data-status", "rejected");
  await expect(uploadPage.row("notes.html").getByTestId("rejection-reason")).toContainText("text/html");
  await expect(page.getByTestId("folder-status")).toHaveText("4 files added from the folder.");

  // What the page asked for, and what the server stored.
  expect(byName(bodies).map(({ name, path: folder }) => ({ name, path: folder }))).toEqual(expected);
  expect(byName(await listed(page)).map(({ name, path: folder }) => ({ name, path: folder }))).toEqual(expected);
});

test("a dropped folder is read entry by entry (readEntries until empty) and uploads with its paths", async ({ page, auth, newUser, uploadPage }) => {
  await auth.signUp(newUser);
  await uploadPage.goto();
  const bodies = captureCreateBodies(page);

  // Playwright cannot drop a real directory: a drop event whose item exposes a directory entry
  // built here, with a reader that answers two entries at a time, as Chromium's answers 100.
  await page.evaluate(() => {
    type Entry = Record<string, unknown>;
    const png = (name: string) => {
      const bytes = new Uint8Array(1_500);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      return new File([bytes], name, { type: "image/png" });
    };
    const file = (fullPath: string, type = "image/png"): Entry => {
      const name = fullPath.slice(fullPath.lastIndexOf("/") + 1);
      const made = type === "image/png" ? png(name) : new File(["<p>no</p>"], name, { type });
      return { isFile: true, isDirectory: false, name, fullPath, file: (ok: (f: File) => void) => ok(made) };
    };
    const dir = (fullPath: string, children: Entry[]): Entry => ({
      isFile: false,
      isDirectory: true,
      fullPath,
      createReader: () => {
        let offset = 0;
        return {
          readEntries: (ok: (entries: Entry[]) => void) =>
            setTimeout(() => {
              ok(children.slice(offset, offset + 2));
              offset += 2;
            }, 0),
        };
      },
    });
    const tree = dir("/Trip", [
      file("/Trip/x.png"),
      dir("/Trip/Day 2", [file("/Trip/Day 2/y.png"), file("/Trip/Day 2/z.png"), file("/Trip/Day 2/w.png")]),
      file("/Trip/page.html", "text/html"),
    ]);
    const drop = new DragEvent("drop", { bubbles: true, cancelable: true });
    const items = [{ kind: "file", webkitGetAsEntry: () => tree, getAsFile: () => null }];
    Object.defineProperty(drop, "dataTransfer", { value: { items, files: [], types: ["Files"], dropEffect: "none" } });
    document.querySelector('[data-testid="drop-zone"]')!.dispatchEvent(drop);
  });

  const expected = [
    { name: "w.png", path: "Trip/Day 2" },
    { name: "x.png", path: "Trip" },
    { name: "y.png", path: "Trip/Day 2" },
    { name: "z.png", path: "Trip/Day 2" },
  ];
  for (const { name } of expected) await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done");
  await expect(uploadPage.row("page.html")).toHaveAttribute("data-status", "rejected");
  expect(byName(bodies).map(({ name, path: folder }) => ({ name, path: folder }))).toEqual(expected);
  expect(byName(await listed(page)).map(({ name, path: folder }) => ({ name, path: folder }))).toEqual(expected);
});

test("pasting images uploads them under dated names, unique within the paste", async ({ page, auth, newUser, uploadPage }) => {
  await auth.signUp(newUser);
  await uploadPage.goto();
  // As Chromium hands over a pasted screenshot: a File called image.png.
  await page.evaluate(() => {
    const bytes = new Uint8Array(2_048);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const clipboard = new DataTransfer();
    clipboard.items.add(new File([bytes], "image.png", { type: "image/png" }));
    clipboard.items.add(new File([bytes], "image.png", { type: "image/png" }));
    document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: clipboard, bubbles: true, cancelable: true }));
  });

  const rows = page.getByTestId("upload-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.and(page.locator('[data-status="done"]'))).toHaveCount(2);
  const names = (await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-name") ?? ""))).sort();
  const stamp = String.raw`Pasted image \d{4}-\d{2}-\d{2} \d{2}-\d{2}-\d{2}`;
  expect(names[0]).toMatch(new RegExp(`^${stamp} \\(2\\)\\.png$`));
  expect(names[1]).toMatch(new RegExp(`^${stamp}\\.png$`));
  expect((await listed(page)).map((f) => [f.name, f.size]).sort()).toEqual(names.map((name) => [name, 2_048]).sort());
});
