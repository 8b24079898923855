import { describe, expect, it } from "vitest";
import { ConnectionPool } from "./connection-pool";

describe("ConnectionPool", () => {
  it("never grants more than the limit, and hands slots on in order", async () => {
    const pool = new ConnectionPool(2);
    const order: number[] = [];
    const releases = await Promise.all([pool.acquire(), pool.acquire()]);
    const third = pool.acquire().then((r) => (order.push(3), r));
    const fourth = pool.acquire().then((r) => (order.push(4), r));
    await Promise.resolve();
    expect(pool.inUse).toBe(2);
    expect(order).toEqual([]);
    releases[0]!();
    releases[0]!(); // a double release frees one slot only
    await third;
    expect(order).toEqual([3]);
    expect(pool.inUse).toBe(2);
    releases[1]!();
    (await fourth)();
    expect(order).toEqual([3, 4]);
  });

  it("a waiter that aborts leaves the line without taking a slot", async () => {
    const pool = new ConnectionPool(1);
    const release = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow("Aborted");
    release();
    expect(pool.inUse).toBe(0);
  });

  it("raising the limit lets waiters in at once", async () => {
    const pool = new ConnectionPool(1);
    await pool.acquire();
    const next = pool.acquire();
    pool.setLimit(2);
    await next;
    expect(pool.inUse).toBe(2);
  });
});
