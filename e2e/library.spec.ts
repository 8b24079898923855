import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import type { Page, TestInfo } from "@playwright/test";
import { crc32Base64 } from "../client/hashing/checksum";
import { expect, test } from "./fixtures";

/** Leading bytes of each kind, so the files look like what their names say. */
const MAGIC: Record<string, Buffer> = {
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  gif: Buffer.from("GIF89a"),
  mp3: Buffer.from("ID3"),
};

/** Random bytes behind the right magic, so a byte-for-byte comparison means something. */
async function makeFile(testInfo: TestInfo, name: string, size: number): Promise<{ path: string; bytes: Buffer }> {
  const bytes = randomBytes(size);
  MAGIC[name.split(".").pop() ?? ""]?.copy(bytes);
  const path = testInfo.outputPath(name);
  await writeFile(path, bytes);
  return { path, bytes };
}

async function listedNames(page: Page): Promise<string[]> {
  const body = await page.evaluate(async () => (await fetch("/api/files?sort=name&order=asc")).json());
  return body.files.map((f: { name: string }) => f.name);
}

test("finds a file by name, downloads the same bytes, renames it, deletes it, and deletes several at once", async ({
  page,
  auth,
  newUser,
  uploadPage,
  libraryPage,
}, testInfo) => {
  const hostile = '<img src=x onerror="window.__pwned=1">.png';
  const sizes = { "résumé 📄.png": 150_001, "song.mp3": 70_003, "anim.gif": 4_321, [hostile]: 999 };
  const files = Object.fromEntries(await Promise.all(Object.entries(sizes).map(async ([name, size]) => [name, await makeFile(testInfo, name, size)] as const)));

  await auth.signUp(newUser);
  await uploadPage.goto();
  await uploadPage.addFiles(Object.values(files).map((f) => f.path));
  for (const name of Object.keys(sizes)) await expect(uploadPage.row(name)).toHaveAttribute("data-status", "done", { timeout: 30_000 });

  await libraryPage.goto();
  await expect(libraryPage.rows).toHaveCount(4);
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  await expect(page.getByTestId("usage")).toHaveAttribute("data-used-bytes", String(total));
  await expect(page.getByTestId("usage")).toContainText("Used: ");
  // The hostile name is text, never markup.
  await expect(libraryPage.row(hostile).getByTestId("file-name")).toHaveText(hostile);
  await expect(page.getByTestId("file-table").locator("img")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // Find it by a case-insensitive part of its name.
  await libraryPage.search("RÉSUMÉ");
  await expect(libraryPage.rows).toHaveCount(1);
  await expect(libraryPage.rows.getByTestId("file-name")).toHaveText("résumé 📄.png");

  // Download: the browser saves the stored bytes under the original name.
  const downloading = page.waitForEvent("download");
  await libraryPage.row("résumé 📄.png").getByTestId("download-link").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("résumé 📄.png");
  expect((await readFile(await download.path())).equals(files["résumé 📄.png"]!.bytes)).toBe(true);

  // Rename: the search no longer matches; the new name does.
  await libraryPage.rename("résumé 📄.png", "cv final.png");
  await expect(page.getByTestId("file-list-no-match")).toBeVisible();
  await libraryPage.search("cv final");
  await expect(libraryPage.rows).toHaveCount(1);
  await expect(libraryPage.row("cv final.png")).toBeVisible();

  // A bad name is refused in place, and the file keeps its name.
  await libraryPage.row("cv final.png").getByTestId("rename-button").click();
  await libraryPage.row("cv final.png").getByTestId("rename-input").fill("   ");
  await libraryPage.row("cv final.png").getByTestId("rename-save").click();
  await expect(libraryPage.row("cv final.png").getByTestId("rename-error")).toContainText("name:");
  await libraryPage.row("cv final.png").getByTestId("rename-cancel").click();

  // Delete it, after confirming.
  expect(await libraryPage.delete("cv final.png")).toContain("cv final.png");
  await expect(page.getByTestId("file-list-no-match")).toBeVisible();
  await libraryPage.search("");
  await expect(libraryPage.rows).toHaveCount(3);
  expect(await listedNames(page)).toEqual([hostile, "anim.gif", "song.mp3"]);

  // Multi-select delete of two.
  const songId = await libraryPage.row("song.mp3").getAttribute("data-file-id");
  expect(await libraryPage.deleteSelected(["song.mp3", hostile])).toContain("2 selected files");
  await expect(libraryPage.rows).toHaveCount(1);
  await expect(libraryPage.row("anim.gif")).toBeVisible();
  await expect(page.getByTestId("usage")).toHaveAttribute("data-used-bytes", String(sizes["anim.gif"]));
  expect(await listedNames(page)).toEqual(["anim.gif"]);

  // A deleted file's download link leads nowhere.
  expect((await page.request.get(`/api/files/${songId}/download`, { maxRedirects: 0 })).status()).toBe(404);
});

test("filters by type, sorts, and pages with Load more", async ({ page, auth, newUser, libraryPage }) => {
  await auth.signUp(newUser);
  // 52 tiny files straight through the API (the upload page is covered above): one more page than the 50 per page.
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
  const gif = new TextEncoder().encode("GIF89a!");
  const checksums = { png: await crc32Base64(png), gif: await crc32Base64(gif) };
  await page.evaluate(async ({ checksums }) => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    const gif = new TextEncoder().encode("GIF89a!");
    // Each file's one request as the app asks: a PUT with its signed headers, or a POST form.
    const upload = async (name: string, type: string, bytes: Uint8Array, checksum: string) => {
      const res = await fetch("/api/uploads", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, size: bytes.length, type, checksum }) });
      const { file, upload } = await res.json();
      const body = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
      if (upload.strategy === "put") await fetch(upload.url, { method: "PUT", headers: upload.headers, body });
      else {
        const form = new FormData();
        for (const [k, v] of Object.entries(upload.fields as Record<string, string>)) form.append(k, v);
        form.append("file", body);
        await fetch(upload.url, { method: "POST", body: form });
      }
      await fetch(`/api/uploads/${file.id}/complete`, { method: "POST" });
    };
    for (let i = 0; i < 50; i++) await upload(`img-${String(i).padStart(2, "0")}.png`, "image/png", png, checksums.png);
    await upload("a-anim.gif", "image/gif", gif, checksums.gif);
    await upload("z-anim.gif", "image/gif", gif, checksums.gif);
  }, { checksums });

  await libraryPage.goto();
  await expect(libraryPage.rows).toHaveCount(50);
  await page.getByTestId("load-more").click();
  await expect(libraryPage.rows).toHaveCount(52);
  await expect(page.getByTestId("load-more")).toHaveCount(0);
  expect(new Set(await libraryPage.names()).size).toBe(52);

  await page.getByTestId("file-type-filter").selectOption("image/gif");
  await expect(libraryPage.rows).toHaveCount(2);
  await page.getByTestId("file-sort").selectOption("name:asc");
  await expect.poll(() => libraryPage.names()).toEqual(["a-anim.gif", "z-anim.gif"]);
  await page.getByTestId("file-sort").selectOption("name:desc");
  await expect.poll(() => libraryPage.names()).toEqual(["z-anim.gif", "a-anim.gif"]);
});
