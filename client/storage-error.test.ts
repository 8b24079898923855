import { describe, expect, it } from "vitest";
import { failureOf } from "./retry-policy";
import { StorageError, storageErrorFor, storageUnreachable } from "./storage-error";

const xml = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message></Error>`;

describe("storageErrorFor", () => {
  it.each([
    [403, xml("AccessDenied"), "storage_refused", "Storage refused the upload (AccessDenied)."],
    [400, xml("EntityTooLarge"), "storage_refused", "Storage refused the upload (EntityTooLarge)."],
    [499, "", "storage_refused", "Storage refused the upload."],
    [500, xml("InternalError"), "storage_error", "Storage failed with status 500 (InternalError)."],
    [503, "<html>busy</html>", "storage_error", "Storage failed with status 503."],
  ])("%i %s → %s", (status, body, code, message) => {
    expect(storageErrorFor(status, body)).toMatchObject({ code, message, status, body });
  });

  it("keeps Retry-After for the retry decision", () => {
    expect(storageErrorFor(503, xml("SlowDown"), "1").retryAfterMs).toBe(1_000);
    expect(storageErrorFor(503, xml("SlowDown"), null).retryAfterMs).toBeNull();
    expect(storageErrorFor(429, "", "2").retryAfterMs).toBe(2_000);
  });
});

describe("storageUnreachable", () => {
  it("is a network_error with status 0, which the retry rules read as no answer", () => {
    const error = storageUnreachable();
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "network_error", status: 0, message: "The connection to storage failed." });
    expect(failureOf(error)).toEqual({ status: 0, body: "", retryAfterMs: null });
  });
});
