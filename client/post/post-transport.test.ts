import { describe, expect, it } from "vitest";
import { PROGRESS_MIN_BYTES, postToStorage, reportsProgress } from "./post-transport";
import { MIB } from "@/lib/units";
import { withFakeXhr } from "@/testing/fakes/fake-xhr";

describe("reportsProgress", () => {
  it.each([
    [0, false],
    [64 * 1024, false],
    [PROGRESS_MIN_BYTES - 1, false],
    [PROGRESS_MIN_BYTES, true],
    [5 * MIB, true],
  ])("%i bytes → %s", (size, expected) => {
    expect(reportsProgress(size)).toBe(expected);
  });
});

describe("postToStorage", () => {
  const sent = withFakeXhr();
  const target = { strategy: "post" as const, url: "https://bucket.test/", fields: { key: "staging/u/1", policy: "p" }, expiresAt: "2030-01-01T00:00:00Z" };

  it("POSTs the policy fields before the file, and counts only the file's bytes as progress (none while the length is unknown)", async () => {
    const file = new Blob([new Uint8Array(PROGRESS_MIN_BYTES)]);
    const seen: number[] = [];
    const done = postToStorage(target, file, { onProgress: (loaded) => seen.push(loaded) });
    const [xhr] = sent;
    expect([xhr!.method, xhr!.url]).toEqual(["POST", target.url]);
    expect([...(xhr!.body as FormData).keys()]).toEqual(["key", "policy", "file"]);
    // 400 bytes of fields and boundaries around the file, counted as sent before it.
    const total = file.size + 400;
    for (const loaded of [200, 400 + 1000, total, total + 1]) xhr!.progress(loaded, total);
    xhr!.progress(5, total, false);
    expect(seen).toEqual([0, 1000, file.size, file.size]);
    xhr!.answer(204);
    await done;
  });

  it("a file under PROGRESS_MIN_BYTES is sent without a progress listener", async () => {
    const done = postToStorage(target, new Blob([new Uint8Array(PROGRESS_MIN_BYTES - 1)]), { onProgress: () => {} });
    expect(sent[0]!.upload.onprogress).toBeNull();
    sent[0]!.answer(204);
    await done;
  });
});
