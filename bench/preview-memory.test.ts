import { describe, expect, it } from "vitest";
import { previewMemoryLines, type PreviewMemory, type ReferenceMemory } from "./preview-memory";
import { summarizeTab } from "./tab-memory";

const previews = (photos: number, made: number) => ({ images: { files: photos, previews: made }, videos: { files: 0, previews: 0 }, firstCheckMs: 0, lastPreviewMs: null, waitedMs: 0, after: { previews: 0, cpu: {} } });
const measured = (pss: number[], files: number, made: number): PreviewMemory => ({
  files,
  previews: previews(files, made),
  memory: summarizeTab(pss.map((bytes, i) => ({ at: i * 200, pss: bytes, jsHeap: 20e6, workers: 1, workerThreads: 1 }))),
});
const reference = (pss: number[], made = 1): ReferenceMemory => ({ ...measured(pss, 1, made), fileBytes: 14e6 });

describe("previewMemoryLines", () => {
  it("prints the run, the reference and the bound (reference + pool), met when the run stays under it", () => {
    const lines = previewMemoryLines(measured([100e6, 250e6], 200, 200), reference([100e6, 160e6]), 100e6);
    expect(lines[0]).toContain("tab memory while 200 previews are made");
    expect(lines[0]).toContain("PSS max 250 MB at 0.2 s of 0.2 s (100 MB as the page was before), JS heap max 20 MB (the page and its 1 Worker)");
    expect(lines[1]).toContain("reference: one 50 MP JPEG");
    expect(lines[1]).toContain("PSS max 160 MB");
    expect(lines[2]).toMatch(/bound = that \+ pool .* = 260 MB: met \(PSS max 250 MB\)/);
    expect(lines).toHaveLength(3);
  });

  it("says NOT met over the bound, and does not judge against a reference that made no preview", () => {
    expect(previewMemoryLines(measured([300e6], 200, 200), reference([160e6]), 100e6)[2]).toContain(": NOT met");
    expect(previewMemoryLines(measured([300e6], 200, 200), reference([160e6], 0), 100e6)[2]).toContain("not judged");
  });
});
