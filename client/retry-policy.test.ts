import { describe, expect, it } from "vitest";
import { backoffDelayMs, classifyFailure, isTransientStatus, retryAfterMs, RETRY_MAX_DELAY_MS, s3ErrorCode } from "./retry-policy";

const xml = (code: string, message = "") => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

describe("classifyFailure", () => {
  it.each([
    ["a network error", { status: 0 }, "retry"],
    ["500", { status: 500 }, "retry"],
    ["503 SlowDown", { status: 503, body: xml("SlowDown") }, "retry"],
    ["429", { status: 429 }, "retry"],
    ["400 RequestTimeout", { status: 400, body: xml("RequestTimeout") }, "retry"],
    ["400 BadDigest", { status: 400, body: xml("BadDigest") }, "retry"],
    ["403 expired URL", { status: 403, body: xml("AccessDenied", "Request has expired") }, "expired"],
    ["403 signature mismatch", { status: 403, body: xml("SignatureDoesNotMatch") }, "fatal"],
    ["404 NoSuchUpload", { status: 404, body: xml("NoSuchUpload") }, "fatal"],
    ["400 EntityTooSmall", { status: 400, body: xml("EntityTooSmall") }, "fatal"],
  ] as const)("%s → %s", (_label, failure, kind) => {
    expect(classifyFailure(failure)).toBe(kind);
  });
});

describe("backoffDelayMs", () => {
  it.each([
    [0, 0.999, 499],
    [1, 0.5, 500],
    [3, 0.999, 3996],
    [10, 0.999, RETRY_MAX_DELAY_MS - 20],
    [50, 0.5, RETRY_MAX_DELAY_MS / 2],
  ])("attempt %i with random %f waits %i ms", (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, random)).toBe(expected);
  });

  it("is zero when the dice say so: full jitter, not equal jitter", () => {
    expect(backoffDelayMs(5, 0)).toBe(0);
  });
});

describe("retryAfterMs", () => {
  it.each([
    [null, null],
    ["3", 3000],
    ["9999", 60_000],
    ["soon", null],
  ])("%s → %s", (header, ms) => expect(retryAfterMs(header)).toBe(ms));
});

describe("s3ErrorCode", () => {
  it.each([
    [xml("SignatureDoesNotMatch"), "SignatureDoesNotMatch"],
    ["<Error><Code><script>x</script></Code></Error>", null],
    ["not xml", null],
  ])("%s → %s", (body, expected) => {
    expect(s3ErrorCode(body)).toBe(expected);
  });
});

describe("isTransientStatus", () => {
  it.each([
    [0, true],
    [400, false],
    [403, false],
    [404, false],
    [408, true],
    [429, true],
    [499, false],
    [500, true],
    [503, true],
  ])("%i → %s", (status, expected) => {
    expect(isTransientStatus(status)).toBe(expected);
  });
});
