import { describe, expect, it } from "vitest";
import { failureMessage } from "./failure-message";

/** The row's words for a failure: the engine stores the code and the server's (or storage's) own message. */
describe("failureMessage", () => {
  it("keeps the server's words where they name a limit", () => {
    expect(failureMessage("too_large", "The file is 2 GiB; the limit is 1 GiB.")).toBe("The file is 2 GiB; the limit is 1 GiB.");
    expect(failureMessage("unsupported_type", "unsupported_type (415)")).toBe("unsupported_type (415)");
    expect(failureMessage("quota_exceeded", "Over quota.")).toBe("Over quota.");
  });

  it("a refused POST says storage's reason and that Retry signs it again", () => {
    expect(failureMessage("storage_refused", "Storage refused the upload (AccessDenied).")).toMatch(/AccessDenied\)\. Retry to sign and send it again/);
  });

  it("a store refusing the server's request, or lacking an operation, says which and what the store answered", () => {
    expect(failureMessage("storage_refused", "The file store refused CompleteMultipartUpload (InvalidRequest).")).toMatch(/^The file store refused CompleteMultipartUpload \(InvalidRequest\)\. /);
    expect(failureMessage("storage_unsupported", "The file store does not support ListParts (NotImplemented).")).toBe(
      "The file store does not support ListParts (NotImplemented). The site's file storage settings need a look.",
    );
  });

  it("a failed part names the part and says Retry sends the missing parts", () => {
    expect(failureMessage("part_failed", "Part 3: Storage refused the upload (AccessDenied).")).toMatch(
      /^Part \d+: Storage refused the upload \(AccessDenied\)\. Retry to send the missing parts\.$/,
    );
  });

  it.each([
    ["network_error", "The connection dropped. Check your network, then retry."],
    ["storage_error", "File storage is unavailable. Retry in a moment."],
    ["storage_unavailable", "File storage is unavailable. Retry in a moment."],
    ["rate_limited", "Too many uploads at once. Retry in a moment."],
    ["unauthorized", "Your session has ended. Sign in again, then retry."],
    ["not_found", "The server no longer knows this upload. Retry to start over."],
    ["upload_incomplete", "Storage did not receive the whole file. Retry to send it again."],
    ["internal", "Something went wrong on our side. Retry in a moment."],
  ] as const)("%s → %s, whatever the server said", (code, words) => {
    expect(failureMessage(code, "server text")).toBe(words);
  });
});
