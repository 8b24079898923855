import { describe, expect, it } from "vitest";
import { ApiError } from "@/client/api/api-error";
import { PartFailedError } from "@/client/multipart/part-failed-error";
import { storageErrorFor, storageUnreachable } from "@/client/storage-error";
import { failureOf } from "./file-turn";

/**
 * How a file's failure is kept on its row: the code and the words of whoever failed it (our API,
 * storage, the part engine); anything else is `internal` with its own message (the CLI prints it).
 * The turn itself is exercised through the engine (upload-engine*.test.ts).
 */
describe("failureOf", () => {
  it.each([
    ["a refusal from our API", new ApiError(415, "unsupported_type", "Files of type text/html are not allowed."), "unsupported_type", "Files of type text/html are not allowed."],
    ["no answer from our API", new ApiError(0, "network_error", "The server could not be reached."), "network_error", "The server could not be reached."],
    ["storage refusing a POST", storageErrorFor(403, "<Error><Code>AccessDenied</Code></Error>"), "storage_refused", "Storage refused the upload (AccessDenied)."],
    ["no answer from storage", storageUnreachable(), "network_error", "The connection to storage failed."],
    ["a part that failed for good", new PartFailedError("Part 3: Storage failed with status 500."), "part_failed", "Part 3: Storage failed with status 500."],
    ["a bug", new TypeError("x is undefined"), "internal", "x is undefined"],
  ])("%s", (_label, err, code, message) => {
    expect(failureOf(err)).toEqual({ code, message });
  });
});
