import { describe, expect, it } from "vitest";
import { PROGRESS_MIN_BYTES, reportsProgress, transferErrorFor } from "./post-transport";
import { MIB } from "@/lib/units";

const xml = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message></Error>`;

describe("transferErrorFor", () => {
  it.each([
    [403, xml("AccessDenied"), "storage_refused", "Storage refused the upload (AccessDenied)."],
    [400, xml("EntityTooLarge"), "storage_refused", "Storage refused the upload (EntityTooLarge)."],
    [499, "", "storage_refused", "Storage refused the upload."],
    [500, xml("InternalError"), "storage_error", "Storage failed with status 500 (InternalError)."],
    [503, "<html>busy</html>", "storage_error", "Storage failed with status 503."],
  ])("%i %s → %s", (status, body, code, message) => {
    expect(transferErrorFor(status, body)).toMatchObject({ code, message, status, body });
  });

  it("keeps a 503's Retry-After for the retry decision", () => {
    expect(transferErrorFor(503, xml("SlowDown"), "1").retryAfterMs).toBe(1_000);
    expect(transferErrorFor(503, xml("SlowDown"), null).retryAfterMs).toBeNull();
  });
});

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
