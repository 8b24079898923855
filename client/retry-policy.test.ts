import { describe, expect, it } from "vitest";
import { ApiError } from "./api/api-error";
import {
  backoffDelayMs,
  classifyApiFailure,
  classifyFailure,
  decideRetry,
  failureOf,
  isPolicyExpired,
  isTransientStatus,
  MAX_UPLOAD_ATTEMPTS,
  retryAfterMs,
  RETRY_MAX_DELAY_MS,
  s3ErrorCode,
  type RequestFailure,
  type UploadStep,
} from "./retry-policy";
import { storageErrorFor } from "./storage-error";

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

describe("decideRetry: which failures of a single-POST upload are tried again", () => {
  it.each([
    // The POST to storage.
    ["post", "a dropped connection", { status: 0 }, "retry"],
    ["post", "503 SlowDown", { status: 503, body: xml("SlowDown") }, "retry"],
    ["post", "500 InternalError", { status: 500, body: xml("InternalError") }, "retry"],
    ["post", "400 RequestTimeout", { status: 400, body: xml("RequestTimeout") }, "retry"],
    ["post", "400 MalformedPOSTRequest (seen under load in B2)", { status: 400, body: xml("MalformedPOSTRequest") }, "retry"],
    ["post", "403 expired policy (AWS)", { status: 403, body: xml("AccessDenied", "Request has expired") }, "renew"],
    ["post", "403 expired policy (MinIO)", { status: 403, body: xml("AccessDenied", "Invalid according to Policy: Policy expired") }, "renew"],
    ["post", "403 a policy condition broken", { status: 403, body: xml("AccessDenied", "Invalid according to Policy") }, "fail"],
    ["post", "403 SignatureDoesNotMatch", { status: 403, body: xml("SignatureDoesNotMatch") }, "fail"],
    ["post", "400 EntityTooLarge", { status: 400, body: xml("EntityTooLarge") }, "fail"],
    ["post", "400 EntityTooSmall", { status: 400, body: xml("EntityTooSmall") }, "fail"],
    ["post", "413", { status: 413 }, "fail"],
    ["post", "415", { status: 415 }, "fail"],
    ["post", "404 NoSuchBucket", { status: 404, body: xml("NoSuchBucket") }, "fail"],
    // Our API's create and complete.
    ["create", "a network error", { status: 0 }, "retry"],
    ["create", "429 rate_limited", { status: 429 }, "retry"],
    ["create", "500", { status: 500 }, "retry"],
    ["create", "503 storage_unavailable", { status: 503 }, "retry"],
    ["create", "400 bad_request", { status: 400 }, "fail"],
    ["create", "401 unauthorized", { status: 401 }, "fail"],
    ["create", "413 quota_exceeded", { status: 413 }, "fail"],
    ["create", "415 unsupported_type", { status: 415 }, "fail"],
    ["complete", "a network error", { status: 0 }, "retry"],
    ["complete", "502", { status: 502 }, "retry"],
    // The store itself said no (our API's 501 and 502 with their codes): it would say it again.
    ["complete", "502 storage_refused", { status: 502, code: "storage_refused" }, "fail"],
    ["create", "501 storage_unsupported", { status: 501, code: "storage_unsupported" }, "fail"],
    ["complete", "503 storage_unavailable", { status: 503, code: "storage_unavailable" }, "retry"],
    ["complete", "409 upload_incomplete", { status: 409 }, "fail"],
    ["complete", "404 not_found", { status: 404 }, "fail"],
  ] as [UploadStep, string, RequestFailure, string][])("%s: %s → %s", (step, _label, failure, action) => {
    expect(decideRetry(step, failure, 1, 0.5).action).toBe(action);
  });

  it.each([
    [1, "retry"],
    [MAX_UPLOAD_ATTEMPTS - 1, "retry"],
    [MAX_UPLOAD_ATTEMPTS, "fail"],
    [MAX_UPLOAD_ATTEMPTS + 1, "fail"],
  ])("after try %i of at most %#: %s", (attempt, action) => {
    for (const step of ["create", "post", "complete"] as const) expect(decideRetry(step, { status: 0 }, attempt, 0.5).action).toBe(action);
  });

  it("an expired policy is renewed only while tries are left", () => {
    const expired = { status: 403, body: xml("AccessDenied", "Request has expired") };
    expect(decideRetry("post", expired, MAX_UPLOAD_ATTEMPTS - 1, 0.5)).toEqual({ action: "renew", delayMs: 0 });
    expect(decideRetry("post", expired, MAX_UPLOAD_ATTEMPTS, 0.5)).toEqual({ action: "fail" });
  });

  it("waits as Retry-After asks, else backs off with full jitter that grows per try", () => {
    expect(decideRetry("post", { status: 503, body: xml("SlowDown"), retryAfterMs: 1_000 }, 1, 0.99)).toEqual({ action: "retry", delayMs: 1_000 });
    expect(decideRetry("create", { status: 429, retryAfterMs: 3_000 }, 2, 0)).toEqual({ action: "retry", delayMs: 3_000 });
    expect(decideRetry("post", { status: 0 }, 1, 0.5)).toEqual({ action: "retry", delayMs: 500 });
    expect(decideRetry("post", { status: 0 }, 3, 0.5)).toEqual({ action: "retry", delayMs: 2_000 });
    expect(decideRetry("complete", { status: 0 }, 1, 0)).toEqual({ action: "retry", delayMs: 0 });
  });

  it("a transient failure with a policy already past its expiry gets a fresh one, not a doomed re-send", () => {
    expect(decideRetry("post", { status: 0 }, 1, 0.5, true)).toEqual({ action: "renew", delayMs: 500 });
    expect(decideRetry("post", { status: 403, body: xml("AccessDenied", "Invalid according to Policy") }, 1, 0.5, true).action).toBe("fail");
  });
});

describe("isPolicyExpired", () => {
  const expiresAt = "2026-01-01T00:15:00.000Z";
  const at = Date.parse(expiresAt);
  it.each([
    ["well before", at - 60_000, false],
    ["just outside the margin", at - 5_001, false],
    ["inside the margin", at - 5_000, true],
    ["after", at + 1, true],
  ])("%s → %s", (_label, now, expected) => {
    expect(isPolicyExpired(expiresAt, now)).toBe(expected);
  });

  it("treats an unreadable expiry as expired", () => {
    expect(isPolicyExpired("not a date", 0)).toBe(true);
  });
});

describe("classifyApiFailure: a multipart upload's own calls to our API", () => {
  it.each([
    ["no answer", new ApiError(0, "network_error", "x"), "retry"],
    ["429", new ApiError(429, "rate_limited", "x"), "retry"],
    ["503", new ApiError(503, "storage_unavailable", "x"), "retry"],
    ["401", new ApiError(401, "unauthorized", "x"), "fatal"],
    ["404", new ApiError(404, "not_found", "x"), "fatal"],
    ["409", new ApiError(409, "upload_incomplete", "x"), "fatal"],
    ["502 storage_refused", new ApiError(502, "storage_refused", "x"), "fatal"],
    ["501 storage_unsupported", new ApiError(501, "storage_unsupported", "x"), "fatal"],
    ["something that is no answer (a hashing failure)", new Error("worker died"), "retry"],
  ])("%s → %s", (_label, err, kind) => {
    expect(classifyApiFailure(err)).toBe(kind);
  });
});

describe("failureOf: what the rules read of an error", () => {
  it("reads our API's and storage's errors alike", () => {
    expect(failureOf(new ApiError(429, "rate_limited", "x", 3_000))).toEqual({ status: 429, body: undefined, retryAfterMs: 3_000, code: "rate_limited" });
    expect(failureOf(storageErrorFor(503, xml("SlowDown"), "2"))).toEqual({ status: 503, body: xml("SlowDown"), retryAfterMs: 2_000 });
  });

  it("is null for anything else, which is never retried", () => {
    expect(failureOf(new TypeError("x is undefined"))).toBeNull();
    expect(failureOf(new DOMException("Aborted", "AbortError"))).toBeNull();
    expect(failureOf("cancelled")).toBeNull();
  });
});
