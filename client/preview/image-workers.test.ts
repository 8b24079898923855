import { describe, expect, it } from "vitest";
import { fakeWorkers } from "@/testing/fakes/fake-preview-workers";
import { ImageWorkerPool, RECYCLE_AFTER_BYTES } from "./image-workers";
import { UNDECODABLE } from "./made-preview";

const job = (n: number) => ({ file: new Blob([new Uint8Array(n)]), type: "image/jpeg", width: 320, height: 240, maxBytes: 65_536 });
const never = new AbortController().signal;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("ImageWorkerPool", () => {
  it("starts workers as needed up to its size, one job each, and the next job goes to the first free; each answer as the worker gave it", async () => {
    const { started, spawn } = fakeWorkers();
    const pool = new ImageWorkerPool(2, spawn);
    const answers = [1, 2, 3].map((n) => pool.run(job(n), never));
    expect(started).toHaveLength(2);
    expect(started.map((w) => w.jobs.map((j) => j.file.size))).toEqual([[1], [2]]);
    expect(pool.stats).toEqual({ started: 2, busy: 2, retired: 0 });
    const preview = new Blob(["p"]);
    started[1]!.answer(preview);
    expect(await answers[1]).toBe(preview);
    expect(started[1]!.jobs.map((j) => j.file.size)).toEqual([2, 3]);
    started[0]!.answer(UNDECODABLE);
    started[1]!.answer(preview);
    expect(await Promise.all(answers)).toEqual([UNDECODABLE, preview, preview]);
    expect(pool.stats).toEqual({ started: 2, busy: 0, retired: 0 });
  });

  it("drops a job whose signal aborts while it waits, without sending it", async () => {
    const { started, spawn } = fakeWorkers();
    const pool = new ImageWorkerPool(1, spawn);
    const first = pool.run(job(1), never);
    const controller = new AbortController();
    const dropped = pool.run(job(2), controller.signal);
    controller.abort();
    expect(await dropped).toBeNull();
    started[0]!.answer(null);
    await first;
    await tick();
    expect(started[0]!.jobs.map((j) => j.file.size)).toEqual([1]);
  });

  it("answers null (none this time, never UNDECODABLE) for every job, now and later, once a worker cannot load", async () => {
    const { started, spawn } = fakeWorkers();
    const pool = new ImageWorkerPool(1, spawn);
    const answers = [pool.run(job(1), never), pool.run(job(2), never)];
    started[0]!.crash();
    expect(await Promise.all(answers)).toEqual([null, null]);
    expect(await pool.run(job(3), never)).toBeNull();
    expect(started).toHaveLength(1);
  });

  it("ends a worker once it has decoded RECYCLE_AFTER_BYTES and has answered, and starts a fresh one for the next job (regression: decoded frames held until the worker's collector ran)", async () => {
    const { started, spawn } = fakeWorkers();
    const pool = new ImageWorkerPool(1, spawn);
    const preview = new Blob(["p"]);
    const half = RECYCLE_AFTER_BYTES / 2;
    const first = pool.run(job(1), never, half);
    const second = pool.run(job(2), never, half);
    started[0]!.answer(preview);
    expect(await first).toBe(preview);
    expect(started[0]!.terminated).toBe(false);
    expect(started[0]!.jobs.map((j) => j.file.size)).toEqual([1, 2]);
    started[0]!.answer(preview);
    // The answer still arrives; the worker is ended after it, with nothing in hand.
    expect(await second).toBe(preview);
    expect(started[0]!.terminated).toBe(true);
    expect(pool.stats).toEqual({ started: 0, busy: 0, retired: 1 });
    const third = pool.run(job(3), never, 1);
    expect(started).toHaveLength(2);
    expect(started[1]!.jobs.map((j) => j.file.size)).toEqual([3]);
    started[1]!.answer(null);
    expect(await third).toBeNull();
  });

  it("answers null where workers cannot be made at all", async () => {
    const pool = new ImageWorkerPool(2, () => {
      throw new Error("Worker is not defined");
    });
    expect(await pool.run(job(1), never)).toBeNull();
  });
});
