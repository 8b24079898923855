import { describe, expect, it } from "vitest";
import { BatchCoalescer, type Settled } from "./batch-coalescer";

/** A send whose batches the test answers by hand, in any order. */
function manualSend() {
  const batches: Array<{ inputs: number[]; answer: (results: Settled<string>[]) => void; fail: (error: unknown) => void }> = [];
  const send = (inputs: number[]) =>
    new Promise<Settled<string>[]>((answer, fail) => {
      batches.push({ inputs, answer, fail });
    });
  return { batches, send };
}

const ok = (value: string): Settled<string> => ({ ok: true, value });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("BatchCoalescer", () => {
  it("sends calls made in the same task as one batch, and gives each call its own result", async () => {
    const { batches, send } = manualSend();
    const coalescer = new BatchCoalescer(send, { maxBatch: 10, maxInFlight: 1 });
    const calls = [1, 2, 3].map((n) => coalescer.call(n));
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1, 2, 3]]);
    batches[0]!.answer([ok("one"), { ok: false, error: new Error("refused") }, ok("three")]);
    await expect(calls[0]).resolves.toBe("one");
    await expect(calls[1]).rejects.toThrow("refused");
    await expect(calls[2]).resolves.toBe("three");
  });

  it("holds calls made while a batch is on its way and sends them together when it returns", async () => {
    const { batches, send } = manualSend();
    const coalescer = new BatchCoalescer(send, { maxBatch: 10, maxInFlight: 1 });
    const first = coalescer.call(1);
    await tick();
    const later = [2, 3, 4].map((n) => coalescer.call(n));
    await tick();
    expect(batches).toHaveLength(1);
    batches[0]!.answer([ok("a")]);
    await first;
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.answer([ok("b"), ok("c"), ok("d")]);
    expect(await Promise.all(later)).toEqual(["b", "c", "d"]);
  });

  it("splits at maxBatch and keeps at most maxInFlight batches on their way", async () => {
    const { batches, send } = manualSend();
    const coalescer = new BatchCoalescer(send, { maxBatch: 2, maxInFlight: 2 });
    const calls = [1, 2, 3, 4, 5].map((n) => coalescer.call(n));
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    batches[1]!.answer([ok("3"), ok("4")]);
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1, 2], [3, 4], [5]]);
    batches[0]!.answer([ok("1"), ok("2")]);
    batches[2]!.answer([ok("5")]);
    expect(await Promise.all(calls)).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("rejects every call of a failed request, then carries on with the next batch", async () => {
    const { batches, send } = manualSend();
    const coalescer = new BatchCoalescer(send, { maxBatch: 10, maxInFlight: 1 });
    const failed = [coalescer.call(1), coalescer.call(2)];
    await tick();
    const next = coalescer.call(3);
    batches[0]!.fail(new Error("network"));
    for (const call of failed) await expect(call).rejects.toThrow("network");
    await tick();
    batches[1]!.answer([ok("three")]);
    await expect(next).resolves.toBe("three");
  });

  it("rejects a call the answer has no result for, instead of leaving it hanging", async () => {
    const { batches, send } = manualSend();
    const coalescer = new BatchCoalescer(send, { maxBatch: 10, maxInFlight: 1 });
    const calls = [coalescer.call(1), coalescer.call(2)];
    await tick();
    batches[0]!.answer([ok("one")]);
    await expect(calls[0]).resolves.toBe("one");
    await expect(calls[1]).rejects.toThrow(/no result/);
  });
});
