import { describe, expect, it } from "vitest";
import { PROGRESS_MIN_BYTES } from "@/client/post/post-transport";
import { withFakeXhr } from "@/testing/fakes/fake-xhr";
import { putToStorage } from "./put-transport";

describe("putToStorage", () => {
  const sent = withFakeXhr();
  const target = {
    strategy: "put" as const,
    url: "https://bucket.test/u/1/a.png",
    headers: { "Content-Type": "image/png", "x-amz-checksum-crc32": "AAAAAA==" },
    expiresAt: "2030-01-01T00:00:00Z",
  };

  it("PUTs the file with exactly the signed headers, progress capped at its size", async () => {
    const file = new Blob([new Uint8Array(PROGRESS_MIN_BYTES)]);
    const seen: number[] = [];
    const done = putToStorage(target, file, { onProgress: (loaded) => seen.push(loaded) });
    const [xhr] = sent;
    expect([xhr!.method, xhr!.url, xhr!.headers, xhr!.body]).toEqual(["PUT", target.url, target.headers, file]);
    xhr!.progress(1000, file.size);
    xhr!.progress(file.size + 1, file.size);
    expect(seen).toEqual([1000, file.size]);
    xhr!.answer(200);
    await done;
  });

  it("a file under PROGRESS_MIN_BYTES is sent without a progress listener", async () => {
    const done = putToStorage(target, new Blob([new Uint8Array(10)]), { onProgress: () => {} });
    expect(sent[0]!.upload.onprogress).toBeNull();
    sent[0]!.answer(200);
    await done;
  });
});
