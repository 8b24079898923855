import { describe, expect, it, vi } from "vitest";
import { StorageError } from "@/client/storage-error";
import { withFakeXhr } from "@/testing/fakes/fake-xhr";
import { sendWithXhr } from "./xhr-send";

/** The one XHR request of the page's POST and PUT transports, against an in-memory XMLHttpRequest. */
const sent = withFakeXhr();
const only = () => {
  expect(sent).toHaveLength(1);
  return sent[0]!;
};

describe("sendWithXhr", () => {
  it("sends the method, URL, headers and body given, and resolves on a 2xx", async () => {
    const body = new Blob(["abc"]);
    const done = sendWithXhr("PUT", "https://bucket.test/key", { "Content-Type": "image/png", "If-None-Match": "*" }, body);
    const xhr = only();
    expect([xhr.method, xhr.url, xhr.headers, xhr.body]).toEqual(["PUT", "https://bucket.test/key", { "Content-Type": "image/png", "If-None-Match": "*" }, body]);
    xhr.answer(204);
    await expect(done).resolves.toBeUndefined();
  });

  it("rejects with storage's refusal: its status, XML body and Retry-After", async () => {
    const done = sendWithXhr("POST", "https://bucket.test/", {}, new FormData());
    const xml = "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>";
    only().answer(503, xml, { "Retry-After": "2" });
    const error = await done.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "storage_error", status: 503, body: xml, retryAfterMs: 2000 });
  });

  it("rejects with a 4xx as storage_refused", async () => {
    const done = sendWithXhr("PUT", "https://bucket.test/key", {}, new Blob([]));
    only().answer(412);
    await expect(done).rejects.toMatchObject({ code: "storage_refused", status: 412 });
  });

  it.each([
    ["a dropped connection", "onerror"],
    ["a timeout", "ontimeout"],
  ] as const)("rejects with network_error (status 0) on %s", async (_label, handler) => {
    const done = sendWithXhr("PUT", "https://bucket.test/key", {}, new Blob([]));
    only()[handler]!();
    await expect(done).rejects.toMatchObject({ code: "network_error", status: 0 });
  });

  it("a cancel aborts the request and rejects with an AbortError; the listener goes with it", async () => {
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    const done = sendWithXhr("PUT", "https://bucket.test/key", {}, new Blob([]), { signal: controller.signal });
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect(only().aborted).toBe(true);
    expect(removed).toHaveBeenCalledWith("abort", expect.any(Function));
  });

  it("sends nothing when already cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sendWithXhr("POST", "https://bucket.test/", {}, new FormData(), { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    expect(sent).toEqual([]);
  });

  it("listens for upload progress only when asked to (a listener costs a CORS preflight)", async () => {
    const seen: number[] = [];
    const withListener = sendWithXhr("PUT", "https://bucket.test/a", {}, new Blob([]), { onUploadProgress: (event) => seen.push(event.loaded) });
    const without = sendWithXhr("PUT", "https://bucket.test/b", {}, new Blob([]));
    const [listening, silent] = sent;
    expect(silent!.upload.onprogress).toBeNull();
    listening!.progress(10, 20);
    expect(seen).toEqual([10]);
    listening!.answer(200);
    silent!.answer(200);
    await Promise.all([withListener, without]);
  });

  it("resolves with what readAnswer makes of the 2xx answer: its status, body and headers", async () => {
    const done = sendWithXhr("PUT", "https://bucket.test/part", {}, new Blob([]), {
      readAnswer: (answer) => ({ status: answer.status, body: answer.body, etag: answer.header("etag"), absent: answer.header("x-amz-checksum-crc32") }),
    });
    only().answer(200, "ok", { ETag: '"abc"' });
    await expect(done).resolves.toEqual({ status: 200, body: "ok", etag: '"abc"', absent: null });
  });

  it("rejects with what readAnswer throws, and never asks it of a refusal", async () => {
    const readAnswer = vi.fn(() => {
      throw new Error("no ETag");
    });
    const unreadable = sendWithXhr("PUT", "https://bucket.test/a", {}, new Blob([]), { readAnswer });
    const refused = sendWithXhr("PUT", "https://bucket.test/b", {}, new Blob([]), { readAnswer });
    sent[0]!.answer(200);
    sent[1]!.answer(403);
    await expect(unreadable).rejects.toThrow("no ETag");
    await expect(refused).rejects.toMatchObject({ code: "storage_refused", status: 403 });
    expect(readAnswer).toHaveBeenCalledTimes(1);
  });
});
