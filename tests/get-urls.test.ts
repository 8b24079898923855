import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clients } from "@/server/storage/clients";
import { attachmentDisposition, inlineDisposition } from "@/server/storage/content-disposition";
import { presignDownloadUrl, presignInlineUrl } from "@/server/storage/objects";
import { testS3 } from "../testing/s3-direct";

const SIGNED_AT = new Date("2026-03-01T12:34:56Z");

/** What the SDK's own presigner makes for a GET with these overrides: the reference the fast path must match. */
function viaGetSignedUrl(input: { key: string; disposition: string; contentType: string; cacheControl?: string; expiresInSeconds: number; signedAt?: Date }): Promise<string> {
  const command = new GetObjectCommand({
    Bucket: process.env.S3_BUCKET,
    Key: input.key,
    ResponseContentDisposition: input.disposition,
    ResponseContentType: input.contentType,
    ResponseCacheControl: input.cacheControl,
  });
  return getSignedUrl(clients().public, command, { expiresIn: input.expiresInSeconds, signingDate: input.signedAt });
}

afterEach(() => {
  vi.useRealTimers();
});

const KEYS = [
  { name: "a planned key", key: "u/0b0e5b1c-7f3a-4f59-9d0e-0e1d2c3b4a59/3f1c.jpg", fileName: "holiday.jpg" },
  { name: "a key and a name that need escaping", key: "u/a b/ü+%~!*'()=&.bin", fileName: "résumé \"final\" (2).pdf" },
];

describe("download and view URLs against the SDK's getSignedUrl", () => {
  it.each(KEYS)("an attachment URL is byte-identical at a fixed clock: $name", async ({ key, fileName }) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(SIGNED_AT);
    const fast = await presignDownloadUrl({ key, fileName, contentType: "application/pdf", expiresInSeconds: 120 });
    expect(fast).toBe(await viaGetSignedUrl({ key, disposition: attachmentDisposition(fileName), contentType: "application/pdf", expiresInSeconds: 120 }));
  });

  it.each(KEYS)("an inline URL, with and without a name and a cache lifetime, is byte-identical: $name", async ({ key, fileName }) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(SIGNED_AT);
    const named = await presignInlineUrl({ key, fileName, contentType: "video/mp4", expiresInSeconds: 600 });
    expect(named).toBe(await viaGetSignedUrl({ key, disposition: inlineDisposition(fileName), contentType: "video/mp4", expiresInSeconds: 600 }));
    // A preview's: signed as of a given moment, so a list read again within the minute reuses the browser's cache.
    const signedAt = new Date(SIGNED_AT.getTime() - 30_000);
    const cached = await presignInlineUrl({ key, contentType: "image/webp", expiresInSeconds: 360, signedAt, cacheSeconds: 300 });
    expect(cached).toBe(await viaGetSignedUrl({ key, disposition: "inline", contentType: "image/webp", cacheControl: "private, max-age=300", expiresInSeconds: 360, signedAt }));
  });

  it("the store serves the object with the signed headers, and refuses the URL once a signed override is changed", async () => {
    const key = `u/get-urls/${crypto.randomUUID()}.png`;
    await testS3().send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: key, Body: new Uint8Array([1, 2, 3]) }));
    const url = await presignInlineUrl({ key, fileName: "a.png", contentType: "image/png", expiresInSeconds: 60, cacheSeconds: 300 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe(inlineDisposition("a.png"));
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const tampered = new URL(url);
    tampered.searchParams.set("response-content-type", "text/html");
    expect((await fetch(tampered)).status).toBe(403);
  });
});
