import { describe, expect, it, vi } from "vitest";
import { ANY_BACKOFF_MS, settle, withFakeTimers } from "@/testing/fakes/fake-timers";
import { MAX_UPLOAD_ATTEMPTS } from "@/client/retry-policy";
import { apiError } from "@/testing/fakes/fake-upload-api";
import { ApiError } from "./api-error";
import { callWithRetries } from "./api-retry";

/** The one retry loop for our API's calls, on fake timers. */
withFakeTimers();

describe("callWithRetries", () => {
  it("waits exactly the Retry-After a 429 asks for, then makes the same call again", async () => {
    const call = vi.fn().mockRejectedValueOnce(apiError(429, "rate_limited", 3_000)).mockResolvedValue("made");
    const result = callWithRetries("create", call, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(call).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(call).toHaveBeenCalledTimes(2);
    await expect(result).resolves.toBe("made");
  });

  it.each([
    ["no answer", apiError(0, "network_error")],
    ["408", apiError(408, "internal")],
    ["500", apiError(500, "internal")],
    ["503 storage_unavailable", apiError(503, "storage_unavailable")],
  ])("tries again after %s", async (_, failure) => {
    const call = vi.fn().mockRejectedValueOnce(failure).mockResolvedValue("done");
    const result = callWithRetries("complete", call, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(ANY_BACKOFF_MS);
    await expect(result).resolves.toBe("done");
    expect(call).toHaveBeenCalledTimes(2);
  });

  it.each([
    ["400 bad_request", apiError(400, "bad_request")],
    ["401 unauthorized", apiError(401, "unauthorized")],
    ["409 upload_incomplete", apiError(409, "upload_incomplete")],
    ["413 quota_exceeded", apiError(413, "quota_exceeded")],
    ["415 unsupported_type", apiError(415, "unsupported_type")],
    ["an error that is no answer from our API (a bug)", new TypeError("x is undefined")],
  ])("gives up at once on %s", async (_, failure) => {
    const call = vi.fn().mockRejectedValue(failure);
    await expect(callWithRetries("create", call, new AbortController().signal)).rejects.toBe(failure);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it(`stops after ${MAX_UPLOAD_ATTEMPTS} tries with the last error`, async () => {
    const failures = Array.from({ length: MAX_UPLOAD_ATTEMPTS + 1 }, (_, i) => new ApiError(503, "storage_unavailable", `try-${i + 1}`));
    const call = vi.fn();
    for (const failure of failures) call.mockRejectedValueOnce(failure);
    const result = callWithRetries("create", call, new AbortController().signal);
    const outcome = expect(result).rejects.toMatchObject({ message: `try-${MAX_UPLOAD_ATTEMPTS}` });
    await vi.advanceTimersByTimeAsync(MAX_UPLOAD_ATTEMPTS * ANY_BACKOFF_MS);
    await outcome;
    expect(call).toHaveBeenCalledTimes(MAX_UPLOAD_ATTEMPTS);
  });

  it("a failure that arrives after a cancel is not tried again: it rejects with that failure", async () => {
    const controller = new AbortController();
    const failure = apiError(503, "storage_unavailable");
    const call = vi.fn(async () => {
      controller.abort("cancelled");
      throw failure;
    });
    await expect(callWithRetries("create", call, controller.signal)).rejects.toBe(failure);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it("a cancel during the wait rejects at once and makes no further call", async () => {
    const controller = new AbortController();
    const call = vi.fn().mockRejectedValue(apiError(429, "rate_limited", 30_000));
    const result = callWithRetries("create", call, controller.signal);
    const outcome = expect(result).rejects.toBe("cancelled");
    await settle();
    controller.abort("cancelled");
    await outcome;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(call).toHaveBeenCalledTimes(1);
  });
});

