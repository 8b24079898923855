import type { Settled } from "./batch-coalescer";
import type { BatchItemError } from "@/lib/contracts/upload-schemas";

/**
 * One item of a batch answer as its own outcome. A refused item becomes the error `toError` makes
 * of its status and code: the same error the single call would have thrown for that file.
 */
export function settleBatchItem<T>(result: ({ status: number } & T) | BatchItemError, toError: (status: number, code: string, message: string) => Error): Settled<T> {
  if ("error" in result) return { ok: false, error: toError(result.status, result.error.code, result.error.message) };
  const { status: _status, ...value } = result;
  return { ok: true, value: value as unknown as T };
}
