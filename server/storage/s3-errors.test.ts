import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { rememberOperation, storageFailureOf, storageRefusalOf } from "./s3-errors";

/** An S3 error as the SDK throws it: named by the store's <Code>, with the answer's status. */
function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: `${name} from the store` });
}

/** As the clients' middleware leaves a failed call's error (server/storage/clients.ts). */
function failed<T>(err: T, operation = "CompleteMultipartUploadCommand"): T {
  rememberOperation(err, operation);
  return err;
}

describe("storageFailureOf: what a failed S3 call means for the answer", () => {
  it.each([
    ["SeaweedFS refusing a complete", s3Error("InvalidRequest", 400), "refused", "InvalidRequest"],
    ["MinIO refusing a complete", s3Error("InvalidPart", 400), "refused", "InvalidPart"],
    ["a wrong secret", s3Error("SignatureDoesNotMatch", 403), "refused", "SignatureDoesNotMatch"],
    ["a missing bucket", s3Error("NoSuchBucket", 404), "refused", "NoSuchBucket"],
    ["an operation the store lacks", s3Error("NotImplemented", 501), "unsupported", "NotImplemented"],
    ["a store asking to slow down", s3Error("SlowDown", 503), "unavailable", "SlowDown"],
    ["a store failing", s3Error("InternalError", 500), "unavailable", "InternalError"],
    ["a store out of reach", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }), "unavailable", "ECONNREFUSED"],
  ] as const)("%s → %s (%s)", (_label, err, kind, code) => {
    expect(storageFailureOf(failed(err))).toEqual({ kind, operation: "CompleteMultipartUpload", code });
  });

  it("names a bare status when the answer had no code (a HEAD's has no body)", () => {
    expect(storageFailureOf(failed(s3Error("UnknownError", 403), "HeadObjectCommand"))).toEqual({ kind: "refused", operation: "HeadObject", code: "HTTP 403" });
  });

  it("is null for an error that did not come from an S3 call (a bug, a query), which stays a 500", () => {
    expect(storageFailureOf(new Error("boom"))).toBeNull();
    expect(storageFailureOf(s3Error("InvalidRequest", 400))).toBeNull(); // not through our clients
    expect(storageFailureOf("not an error")).toBeNull();
  });

  it("keeps the first operation an error was seen in", () => {
    const err = failed(s3Error("AccessDenied", 403), "GetObjectCommand");
    rememberOperation(err, "CopyObjectCommand");
    expect(storageFailureOf(err)?.operation).toBe("GetObject");
  });
});

describe("storageRefusalOf: what the file item keeps", () => {
  it("records a refusal or a missing operation, not a store that is only unavailable", () => {
    expect(storageRefusalOf(failed(s3Error("InvalidRequest", 400)))).toBe("CompleteMultipartUpload: InvalidRequest");
    expect(storageRefusalOf(failed(s3Error("NotImplemented", 501), "ListPartsCommand"))).toBe("ListParts: NotImplemented");
    expect(storageRefusalOf(failed(s3Error("SlowDown", 503)))).toBeUndefined();
    expect(storageRefusalOf(new Error("boom"))).toBeUndefined();
  });
});
