/**
 * Issue 21's memory figure: the tab's memory while the page makes the previews of the real-media
 * folder (B2, loopback), beside a reference measured the same way in the same run: a fresh upload
 * page making the preview of one 50-megapixel JPEG. The bound is that reference plus the preview
 * pool's own bound, the decode budget its workers share (client/preview/decode-budget.ts).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { DECODE_BUDGET_BYTES } from "../client/preview/decode-budget";
import { signedInUploadPage } from "./browser";
import { measureFileBatch } from "./file-batch";
import { MEDIA_DRAWING_SCRIPT } from "../testing/real-media/media-drawing";
import { MEDIA_SEED, type PhotoSpec } from "../testing/real-media/media-plan";
import { countPreviews, type PreviewCount } from "./previews";
import { fmt } from "./stats";
import { sampleTab, summarizeTab, type TabMemory } from "./tab-memory";
import { MIB } from "../lib/units";

/** Often enough to see a decode's peak, seldom enough that reading the tab costs the run little. */
export const TAB_SAMPLE_MS = 200;

/** A 50-megapixel camera's frame (e2e/previews.spec.ts's 50 MP case's size), drawn like the corpus's photos. */
const REFERENCE_PHOTO: PhotoSpec = { name: "reference-50mp.jpg", type: "image/jpeg", width: 8660, height: 5774, quality: 0.9, noise: 16, orientation: 1, seed: MEDIA_SEED };

export type PreviewMemory = { memory: TabMemory; previews: PreviewCount; files: number };
export type ReferenceMemory = PreviewMemory & { fileBytes: number };

/**
 * Samples the tab from just before `upload` adds the files until the previews are counted
 * (countPreviews stops at the poll that sees the last one), so the window ends when the last
 * preview has landed.
 */
export async function whileMakingPreviews<T extends { lastDoneAt: number; count: number }>(
  browser: Browser,
  page: Page,
  appUrl: string,
  upload: () => Promise<T>,
): Promise<{ run: T } & PreviewMemory> {
  const sampler = await sampleTab(browser, page, TAB_SAMPLE_MS);
  let measured: { run: T; previews: PreviewCount };
  try {
    const run = await upload();
    measured = { run, previews: await countPreviews(page, appUrl, run.lastDoneAt) };
  } catch (err) {
    await sampler.stop();
    throw err;
  }
  return { ...measured, files: measured.run.count, memory: summarizeTab(await sampler.stop()) };
}

/** Drawn and encoded in a page of its own, closed before the reference runs (its ~200 MB canvas leaves with its renderer). */
async function drawReferencePhoto(browser: Browser, tmp: string): Promise<{ file: string; bytes: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.evaluate(MEDIA_DRAWING_SCRIPT);
    const encoded = await page.evaluate((spec) => (window as unknown as { __media: { photo: (s: PhotoSpec) => Promise<string> } }).__media.photo(spec), REFERENCE_PHOTO);
    const bytes = Buffer.from(encoded, "base64");
    const file = path.join(tmp, REFERENCE_PHOTO.name);
    await writeFile(file, bytes);
    return { file, bytes: bytes.length };
  } finally {
    await context.close();
  }
}

/** One 50 MP JPEG through a fresh upload page, its tab sampled as the real-media run's is. Seconds. */
export async function referencePreviewMemory(browser: Browser, appUrl: string, tmp: string): Promise<ReferenceMemory> {
  const { file, bytes } = await drawReferencePhoto(browser, tmp);
  const page = await signedInUploadPage(browser, appUrl);
  try {
    const measured = await whileMakingPreviews(browser, page, appUrl, () => measureFileBatch(page, appUrl, [file], 60_000));
    return { ...measured, fileBytes: bytes };
  } finally {
    await page.context().close();
  }
}

const mb = (bytes: number) => `${fmt(bytes / 1e6, 0)} MB`;
const made = ({ previews }: PreviewMemory) => previews.images.previews + previews.videos.previews;

/**
 * The lines printed under the real-media row: the run's figures, the reference's, and the bound
 * (the reference's PSS max plus `poolBytes`) with whether the run stayed under it. Pure.
 */
export function previewMemoryLines(run: PreviewMemory, reference: ReferenceMemory, poolBytes = DECODE_BUDGET_BYTES): string[] {
  const figures = ({ memory }: PreviewMemory) =>
    `PSS max ${mb(memory.pssMax)} at ${fmt(memory.pssMaxAt / 1000)} s of ${fmt(memory.spanMs / 1000)} s (${mb(memory.pssFirst)} as the page was before), ` +
    `JS heap max ${mb(memory.jsHeapMax)} (the page and its ${memory.workersMax} Worker${memory.workersMax === 1 ? "" : "s"})`;
  const bound = reference.memory.pssMax + poolBytes;
  const trusted = made(reference) === reference.files;
  const verdict = !trusted ? "not judged: the reference made no preview" : run.memory.pssMax <= bound ? "met" : "NOT met";
  const misattributed = run.memory.misattributed + reference.memory.misattributed;
  return [
    `tab memory while ${made(run)} previews are made (the tab's renderer process, which runs its Workers as threads; from the files' adding to the last preview seen, every ${TAB_SAMPLE_MS} ms, ${run.memory.samples} samples): ${figures(run)}`,
    `reference: one 50 MP JPEG (${REFERENCE_PHOTO.width} x ${REFERENCE_PHOTO.height}, ${fmt(reference.fileBytes / 1e6, 1)} MB) through a fresh upload page, measured the same way (${reference.memory.samples} samples, ${made(reference)} preview made): ${figures(reference)}`,
    `bound = that + pool (the decode budget the preview workers share, ${fmt(poolBytes / MIB, 0)} MiB) = ${mb(bound)}: ${verdict} (PSS max ${mb(run.memory.pssMax)})`,
    ...(misattributed > 0 ? [`WARNING: ${misattributed} samples read a renderer without the page's Worker threads (not the tab's): the figures above may be low`] : []),
  ];
}
