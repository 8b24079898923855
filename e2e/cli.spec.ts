import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { sha256OfObject } from "../tests/s3-direct";
import { MP4_FTYP_HEADER } from "../tests/file-signatures";
import { expect, test } from "./fixtures";

const run = promisify(execFile);
const MIB = 1024 * 1024;

test("npm run upload sends a small and a multipart file with an API token", async ({ page, auth, newUser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  const small = testInfo.outputPath("tiny.png");
  const large = testInfo.outputPath("movie.mp4");
  const largeBytes = randomBytes(120 * MIB + 7); // over the 100 MiB multipart threshold
  // Random bytes can look like MP3 frames; start with an MP4 ftyp box, as the name says.
  MP4_FTYP_HEADER.copy(largeBytes);
  await writeFile(small, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2_000)]));
  await writeFile(large, largeBytes);

  await auth.signUp(newUser);
  const token = await page.evaluate(async () => {
    const res = await fetch("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "cli" }) });
    return (await res.json()).secret as string;
  });
  expect(token).toBeTruthy();

  const { stdout } = await run("npx", ["tsx", "scripts/upload.ts", small, large, "--url", baseURL!, "--token", token]);
  expect(stdout).toMatch(/uploaded tiny\.png \(2008 bytes\)/);
  expect(stdout).toMatch(new RegExp(`uploaded movie\\.mp4 \\(${largeBytes.length} bytes\\).*checksum=CRC32:`));

  const files = await page.evaluate(async () => (await (await fetch("/api/files")).json()).files as { id: string; name: string; size: number }[]);
  const movie = files.find((f) => f.name === "movie.mp4")!;
  expect(movie.size).toBe(largeBytes.length);
  const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).user.id);
  expect(await sha256OfObject(`u/${me}/${movie.id}.mp4`)).toBe(createHash("sha256").update(largeBytes).digest("hex"));

  // A wrong token fails clearly and uploads nothing.
  const bad = await run("npx", ["tsx", "scripts/upload.ts", small, "--url", baseURL!, "--token", "upl_not-a-real-token"]).catch((err) => err);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("failed");
});
