import { describe, expect, it } from "vitest";
import { settleBatchItem } from "./batch-result";

class TestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const toError = (status: number, code: string, message: string) => new TestError(status, code, message);

describe("settleBatchItem", () => {
  it("gives a created item's body without its status", () => {
    expect(settleBatchItem({ status: 201, file: { id: "a" } }, toError)).toEqual({ ok: true, value: { file: { id: "a" } } });
  });

  it("turns a refused item into the caller's error with its status, code and message", () => {
    const settled = settleBatchItem<{ file: unknown }>({ status: 413, error: { code: "quota_exceeded", message: "Over quota." } }, toError);
    expect(settled.ok).toBe(false);
    const error = (settled as { error: TestError }).error;
    expect(error).toBeInstanceOf(TestError);
    expect([error.status, error.code, error.message]).toEqual([413, "quota_exceeded", "Over quota."]);
  });
});
