import { describe, expect, it } from "vitest";
import {
  allPartsDone,
  createEngineState,
  engineReducer,
  nextRetryAt,
  runningCount,
  startableParts,
  transferredBytes,
  type EngineAction,
  type EngineState,
} from "./multipart-engine";
import { planParts } from "@/lib/part-plan";
import { MIB } from "@/lib/units";
import { MAX_PART_ATTEMPTS } from "@/client/retry-policy";

const size = 40 * MIB + 3; // 3 parts: 16, 16, 8 MiB + 3
const fresh = () => createEngineState(planParts(size)!, size);
const run = (state: EngineState, ...actions: EngineAction[]) => actions.reduce(engineReducer, state);
const fail = (partNumber: number, kind: "retry" | "expired" | "fatal", at = 1000, random = 0.5): EngineAction => ({
  type: "partFailed",
  partNumber,
  kind,
  message: "boom",
  at,
  random,
});

describe("multipart engine", () => {
  it("starts lowest parts first within the free slots, and completes when all are stored", () => {
    let s = fresh();
    expect(startableParts(s, 2, 0).map((p) => p.partNumber)).toEqual([1, 2]);
    s = run(s, { type: "partStarted", partNumber: 1 }, { type: "partStarted", partNumber: 2 });
    expect(runningCount(s)).toBe(2);
    expect(startableParts(s, 1, 0).map((p) => p.partNumber)).toEqual([3]);
    s = run(s, { type: "partProgress", partNumber: 1, loaded: 5 * MIB }, { type: "partDone", partNumber: 2, etag: '"b"' });
    expect(transferredBytes(s)).toEqual({ accepted: 16 * MIB, inFlight: 5 * MIB });
    s = run(s, { type: "partDone", partNumber: 1, etag: '"a"' }, { type: "partStarted", partNumber: 3 }, { type: "partDone", partNumber: 3, etag: '"c"' });
    expect(allPartsDone(s)).toBe(true);
    expect(transferredBytes(s).accepted).toBe(size);
    s = run(s, { type: "completing" }, { type: "completed" });
    expect(s.status).toBe("done");
  });

  it("a retried part does not count its bytes twice and waits its backoff", () => {
    const s = run(fresh(), { type: "partStarted", partNumber: 1 }, { type: "partProgress", partNumber: 1, loaded: 10 * MIB }, fail(1, "retry", 1000, 0.5));
    expect(transferredBytes(s)).toEqual({ accepted: 0, inFlight: 0 });
    expect(s.resent).toBe(1);
    expect(nextRetryAt(s)).toBe(0); // parts 2 and 3 may go now
    expect(startableParts(s, 3, 1000).map((p) => p.partNumber)).toEqual([2, 3]);
    expect(s.parts[0]!.retryAt).toBe(1000 + 250); // attempt 1: half of 500 ms
    expect(startableParts(s, 3, 1250).map((p) => p.partNumber)).toEqual([1, 2, 3]);
  });

  it("honours Retry-After over its own backoff", () => {
    const s = run(fresh(), { type: "partStarted", partNumber: 1 }, { ...fail(1, "retry", 1000), retryAfterMs: 3000 } as EngineAction);
    expect(s.parts[0]!.retryAt).toBe(4000);
  });

  it("an expired URL retries at once; a fatal answer fails the file", () => {
    let s = run(fresh(), { type: "partStarted", partNumber: 1 }, fail(1, "expired", 500));
    expect(s.parts[0]!.retryAt).toBe(500);
    expect(s.status).toBe("running");
    s = run(s, { type: "partStarted", partNumber: 1 }, fail(1, "fatal"));
    expect(s.status).toBe("failed");
    expect(s.error?.message).toBe("Part 1: boom");
    expect(startableParts(s, 3, Infinity)).toEqual([]);
  });

  it(`gives up after ${MAX_PART_ATTEMPTS} attempts of one part`, () => {
    let s = fresh();
    for (let i = 1; i < MAX_PART_ATTEMPTS; i++) s = run(s, { type: "partStarted", partNumber: 1 }, fail(1, "retry", 0, 0));
    expect(s.status).toBe("running");
    s = run(s, { type: "partStarted", partNumber: 1 }, fail(1, "retry", 0, 0));
    expect(s.status).toBe("failed");
  });

  it("pause requeues parts on the wire and starts nothing; resume goes on from stored parts", () => {
    let s = run(fresh(), { type: "partStarted", partNumber: 1 }, { type: "partStarted", partNumber: 2 }, { type: "partDone", partNumber: 2, etag: "e" }, { type: "pause" });
    expect(s.status).toBe("paused");
    expect(s.parts.map((p) => p.status)).toEqual(["pending", "done", "pending"]);
    expect(startableParts(s, 3, 0)).toEqual([]);
    // A late event from the aborted request changes nothing.
    expect(run(s, fail(1, "retry"))).toBe(s);
    s = run(s, { type: "resume" });
    expect(startableParts(s, 3, 0).map((p) => p.partNumber)).toEqual([1, 3]);
  });

  it("restore marks parts stored by an earlier session, so only the missing ones are sent", () => {
    const s = run(fresh(), { type: "restore", stored: [{ partNumber: 1, etag: "a" }, { partNumber: 3, etag: "c" }] });
    expect(startableParts(s, 6, 0).map((p) => p.partNumber)).toEqual([2]);
    expect(transferredBytes(s).accepted).toBe(16 * MIB + 8 * MIB + 3);
  });

  it("cancel is final: nothing starts, nothing resumes", () => {
    const s = run(fresh(), { type: "partStarted", partNumber: 1 }, { type: "cancel" }, { type: "resume" }, { type: "partStarted", partNumber: 2 });
    expect(s.status).toBe("cancelled");
    expect(runningCount(s)).toBe(0);
  });

  it("retry after failure (resume) resets attempts so the file gets a fresh budget", () => {
    let s = run(fresh(), { type: "partStarted", partNumber: 1 }, fail(1, "fatal"), { type: "resume" });
    expect(s.status).toBe("running");
    expect(s.parts[0]!.attempts).toBe(0);
    s = run(s, { type: "completing" });
    expect(s.status).toBe("running"); // not all parts stored yet
  });
});
