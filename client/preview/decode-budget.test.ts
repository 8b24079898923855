import { describe, expect, it } from "vitest";
import { DecodeBudget } from "./decode-budget";

const never = new AbortController().signal;
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("DecodeBudget", () => {
  it("runs decodes together while they fit, and the next once one ends", async () => {
    const budget = new DecodeBudget(100);
    const granted: string[] = [];
    const a = budget.acquire(40, never).then((release) => (granted.push("a"), release));
    const b = budget.acquire(40, never).then((release) => (granted.push("b"), release));
    void budget.acquire(40, never).then(() => granted.push("c"));
    await flush();
    expect(granted).toEqual(["a", "b"]);
    expect(budget.inUse).toBe(80);
    (await a)();
    await flush();
    expect(granted).toEqual(["a", "b", "c"]);
    (await b)();
    expect(budget.inUse).toBe(40);
  });

  it("runs a decode bigger than the budget alone, and small ones wait behind it in order", async () => {
    const budget = new DecodeBudget(100);
    const granted: string[] = [];
    const small = await budget.acquire(10, never);
    const huge = budget.acquire(500, never).then((release) => (granted.push("huge"), release));
    void budget.acquire(10, never).then(() => granted.push("after"));
    await flush();
    expect(granted).toEqual([]);
    small();
    await flush();
    expect(granted).toEqual(["huge"]);
    (await huge)();
    await flush();
    expect(granted).toEqual(["huge", "after"]);
  });

  it("drops a waiter whose signal aborts, and lets the ones behind it go", async () => {
    const budget = new DecodeBudget(100);
    const first = await budget.acquire(90, never);
    const controller = new AbortController();
    const dropped = budget.acquire(50, controller.signal);
    const granted: string[] = [];
    void budget.acquire(10, never).then(() => granted.push("small"));
    controller.abort(new Error("cancelled"));
    await expect(dropped).rejects.toThrow("cancelled");
    await flush();
    expect(granted).toEqual(["small"]);
    first();
  });
});
