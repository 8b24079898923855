/** Test files written to disk for setInputFiles, and their digests. */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { MP4_FTYP_HEADER } from "./file-signatures";

/** `size` random bytes that start with an MP4 ftyp box (random bytes can look like MP3 frames to the content check). */
export async function writeMp4(file: string, size: number): Promise<string> {
  const bytes = randomBytes(size);
  MP4_FTYP_HEADER.copy(bytes);
  await writeFile(file, bytes);
  return file;
}

/** The file's SHA-256, in hex, or in base64 as S3 writes x-amz-checksum-sha256. */
export function sha256OfFile(file: string, encoding: "hex" | "base64" = "hex"): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file).on("data", (chunk) => hash.update(chunk)).on("end", () => resolve(hash.digest(encoding))).on("error", reject);
  });
}
