import { describe, expect, it } from "vitest";
import { IDLE_TALLY, observeBatch, type BatchTally, type TallyInput } from "./batch-tally";

/** Feeds snapshots in order; returns the outcomes of the batches they ended. */
function run(inputs: TallyInput[]) {
  let tally: BatchTally = IDLE_TALLY;
  const ended = [];
  for (const input of inputs) {
    const next = observeBatch(tally, input);
    tally = next.tally;
    if (next.ended) ended.push(next.ended);
  }
  return ended;
}

describe("observeBatch", () => {
  it("reports one outcome per batch, counting only that batch's files", () => {
    expect(
      run([
        { busy: true, stored: 0, failed: 0 },
        { busy: true, stored: 5, failed: 1 },
        { busy: false, stored: 12, failed: 1 },
        { busy: false, stored: 12, failed: 1 },
        // A second batch: the earlier failure is still listed and is not counted again.
        { busy: true, stored: 12, failed: 1 },
        { busy: false, stored: 15, failed: 2 },
      ]),
    ).toEqual([
      { stored: 12, failed: 1 },
      { stored: 3, failed: 1 },
    ]);
  });

  it("says nothing while idle or busy", () => {
    expect(run([{ busy: false, stored: 3, failed: 0 }, { busy: true, stored: 3, failed: 0 }, { busy: true, stored: 4, failed: 0 }])).toEqual([]);
  });

  it("does not report fewer than 0 failures when an old failed row is retried and stored", () => {
    expect(run([{ busy: true, stored: 0, failed: 2 }, { busy: false, stored: 1, failed: 1 }])).toEqual([{ stored: 1, failed: 0 }]);
  });
});
