import { describe, expect, it } from "vitest";
import { decideRetry, isPolicyExpired, MAX_UPLOAD_ATTEMPTS, type StepFailure, type UploadStep } from "./post-retry";

const xml = (code: string, message = "") => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

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
    ["complete", "409 upload_incomplete", { status: 409 }, "fail"],
    ["complete", "404 not_found", { status: 404 }, "fail"],
  ] as [UploadStep, string, StepFailure, string][])("%s: %s → %s", (step, _label, failure, action) => {
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
