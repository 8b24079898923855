import { describe, expect, it } from "vitest";
import { summarizeTab, type TabSample } from "./tab-memory";

const sample = (at: number, pss: number, jsHeap: number, workers = 0, workerThreads = workers): TabSample => ({ at, pss, jsHeap, workers, workerThreads });

describe("summarizeTab", () => {
  it("keeps the first PSS, the maxima and the span", () => {
    const summary = summarizeTab([sample(0, 90e6, 10e6), sample(200, 180e6, 30e6, 2), sample(400, 120e6, 20e6, 1)]);
    expect(summary).toEqual({ samples: 3, spanMs: 400, pssFirst: 90e6, pssMax: 180e6, pssMaxAt: 200, jsHeapMax: 30e6, workersMax: 2, misattributed: 0 });
  });

  it("skips a sample whose process had gone, and counts those read from a renderer without the page's Workers", () => {
    const summary = summarizeTab([sample(0, Number.NaN, 10e6), sample(200, 100e6, 12e6, 2, 0)]);
    expect(summary.pssMax).toBe(100e6);
    expect(summary.misattributed).toBe(1);
  });

  it("has no figures without samples", () => {
    const summary = summarizeTab([]);
    expect(summary.samples).toBe(0);
    expect(summary.pssMax).toBeNaN();
  });
});
