import { describe, expect, it } from "vitest";
import { withFakeXhr } from "@/testing/fakes/fake-xhr";
import { putPart } from "./part-transport";

/** The page's part PUT (sendWithXhr underneath), against an in-memory XMLHttpRequest. */
const sent = withFakeXhr();
const send = (checksum: string | null = null, progress: number[] = []) =>
  putPart("https://bucket.test/key?partNumber=1", new Blob(["abcd"]), checksum, { signal: new AbortController().signal, onProgress: (loaded) => progress.push(loaded) });

describe("putPart", () => {
  it("PUTs the part with its signed CRC32 header and resolves with the ETag storage answered", async () => {
    const progress: number[] = [];
    const done = send("AAAAAA==", progress);
    const xhr = sent[0]!;
    expect([xhr.method, xhr.url, xhr.headers]).toEqual(["PUT", "https://bucket.test/key?partNumber=1", { "x-amz-checksum-crc32": "AAAAAA==" }]);
    xhr.progress(2, 4);
    xhr.answer(200, "", { ETag: '"etag-1"' });
    await expect(done).resolves.toEqual({ etag: '"etag-1"' });
    expect(progress).toEqual([2]);
  });

  it("sends no checksum header for an upload whose parts carry none", async () => {
    const done = send(null);
    sent[0]!.answer(200, "", { ETag: '"e"' });
    await done;
    expect(sent[0]!.headers).toEqual({});
  });

  it("fails as not retryable (storage_refused) on a 200 whose ETag the bucket's CORS hides", async () => {
    const done = send();
    sent[0]!.answer(200);
    await expect(done).rejects.toMatchObject({ code: "storage_refused", status: 403 });
  });

  it("fails with storage's status on another 2xx without an ETag, and on a refusal", async () => {
    const odd = send();
    const refused = send();
    sent[0]!.answer(204);
    sent[1]!.answer(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>");
    await expect(odd).rejects.toMatchObject({ code: "storage_error", status: 204 });
    await expect(refused).rejects.toMatchObject({ code: "storage_refused", status: 403 });
  });
});
