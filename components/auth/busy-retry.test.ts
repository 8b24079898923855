import { describe, expect, it } from "vitest";
import { BUSY_TRIES, retryWhileBusy } from "./busy-retry";

describe("retryWhileBusy", () => {
  const run = async (answers: Array<number | null>) => {
    const waits: number[] = [];
    let calls = 0;
    const outcome = await retryWhileBusy(
      async () => answers[calls++] ?? null,
      (busyFor) => busyFor,
      async (ms) => void waits.push(ms),
    );
    return { outcome, calls, waits };
  };

  it("answers the first outcome that is not busy, after each wait the server named", async () => {
    expect(await run([1, 2, null])).toEqual({ outcome: null, calls: 3, waits: [1000, 2000] });
  });

  it("asks once when the first answer is not busy", async () => {
    expect(await run([null])).toEqual({ outcome: null, calls: 1, waits: [] });
  });

  it(`stops after ${BUSY_TRIES} tries and hands back the busy outcome`, async () => {
    expect(await run([1, 1, 1, 1, 1])).toEqual({ outcome: 1, calls: BUSY_TRIES, waits: [1000, 1000] });
  });
});
