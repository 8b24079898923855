import { UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MIB } from "@/lib/units";
import { clients } from "@/server/storage/clients";
import { signUploadPartUrls, type PartToSign } from "@/server/storage/part-urls";

const SIGNED_AT = new Date("2026-03-01T12:34:56Z");

/** What the SDK's own presigner makes for one part: the reference the fast path must match. */
async function viaGetSignedUrl(input: { key: string; uploadId: string; part: PartToSign; expiresInSeconds: number }): Promise<string> {
  const command = new UploadPartCommand({
    Bucket: process.env.S3_BUCKET,
    Key: input.key,
    UploadId: input.uploadId,
    PartNumber: input.part.partNumber,
    ContentLength: input.part.size,
    ChecksumCRC32: input.part.checksumCRC32,
  });
  const signed = new Set(["content-length"]);
  if (input.part.checksumCRC32) signed.add("x-amz-checksum-crc32");
  return getSignedUrl(clients().public, command, { expiresIn: input.expiresInSeconds, signableHeaders: signed, unhoistableHeaders: signed });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("signUploadPartUrls against the SDK's getSignedUrl", () => {
  it.each([
    { name: "a planned key, CRC32s, 10 minutes", key: "u/0b0e/3f1c.mp4", uploadId: "ZjM2YjA0.NmQ5-ZTc4_ZGQ", ttl: 600 },
    { name: "a key that needs escaping", key: "u/a b/ü+%~!*'()=&.bin", uploadId: "id/with+chars=", ttl: 900 },
    { name: "a 1-second expiry", key: "k", uploadId: "u", ttl: 1 },
  ])("makes byte-identical URLs at a fixed clock: $name", async ({ key, uploadId, ttl }) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(SIGNED_AT);
    const parts: PartToSign[] = [
      { partNumber: 1, size: 16 * MIB, checksumCRC32: "AAAAAA==" },
      { partNumber: 2, size: 5 * MIB, checksumCRC32: "q83vEg==" },
      { partNumber: 10_000, size: 0 },
      { partNumber: 7, size: 1, checksumCRC32: "/+8AAA==" },
    ];
    const fast = await signUploadPartUrls({ key, uploadId, parts, expiresInSeconds: ttl });
    const reference = await Promise.all(parts.map((part) => viaGetSignedUrl({ key, uploadId, part, expiresInSeconds: ttl })));
    expect(fast).toEqual(reference);
    // The checksum and length stay headers the browser must send, never query parameters.
    const first = new URL(fast[0]!);
    expect(first.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host;x-amz-checksum-crc32");
    expect(first.searchParams.has("x-amz-checksum-crc32")).toBe(false);
    expect(new URL(fast[2]!).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;host");
  });

  it("signs nothing for an empty batch", async () => {
    expect(await signUploadPartUrls({ key: "k", uploadId: "u", parts: [], expiresInSeconds: 60 })).toEqual([]);
  });
});
