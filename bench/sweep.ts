/**
 * Part size x connections for one 1 GiB file: the upload page (restarted with each
 * UPLOAD_PART_SIZE_MIB and UPLOAD_CONNECTIONS) and lib-storage at the same settings, so the table
 * shows where the defaults (16 MiB x 6) sit for both. Prints a table and writes a PNG plot.
 */
import type { Browser } from "@playwright/test";
import { lineChartSvg, type PlotSeries } from "./plot";
import { GIB, MIB } from "../lib/units";
import { fmt } from "./stats";
import { benchS3Client, libStorageRun, pageUploadMbps } from "./throughput";

export const SWEEP_PART_SIZES_MIB = [8, 16, 32, 64];
export const SWEEP_CONNECTIONS = [2, 4, 6, 8];
const DEFAULTS = { partMib: 16, connections: 6 };

type Cell = { partMib: number; connections: number; page: number; libStorage: number };
export type SweepResult = { fileBytes: number; cells: Cell[] };

export async function runSweep(input: {
  browser: Browser;
  env: Record<string, string>;
  file: string;
  fileBytes: number;
  /** Restarts `next start` with these variables added; resolves to the app's URL. */
  restartApp: (extraEnv: Record<string, string>) => Promise<string>;
}): Promise<SweepResult> {
  const client = benchS3Client(input.env);
  const cells: Cell[] = [];
  try {
    for (const partMib of SWEEP_PART_SIZES_MIB) {
      for (const connections of SWEEP_CONNECTIONS) {
        const appUrl = await input.restartApp({ UPLOAD_PART_SIZE_MIB: String(partMib), UPLOAD_CONNECTIONS: String(connections) });
        const page = await pageUploadMbps(input.browser, appUrl, input.file, input.fileBytes);
        const libStorage = await libStorageRun(client, input.env.S3_BUCKET!, input.file, { partSize: partMib * MIB, queueSize: connections });
        cells.push({ partMib, connections, page, libStorage });
        console.log(`[sweep] ${partMib} MiB x ${connections}: page ${fmt(page)} MB/s, lib-storage ${fmt(libStorage)} MB/s`);
      }
    }
  } finally {
    client.destroy();
  }
  return { fileBytes: input.fileBytes, cells };
}

const cellAt = (result: SweepResult, partMib: number, connections: number) => result.cells.find((c) => c.partMib === partMib && c.connections === connections);

export function printSweep(result: SweepResult): void {
  console.log(`\nSweep: part size x connections, one ${result.fileBytes / GIB} GiB file, MB/s (page / lib-storage); defaults ${DEFAULTS.partMib} MiB x ${DEFAULTS.connections} marked *`);
  console.log(`  ${"part size".padEnd(10)}${SWEEP_CONNECTIONS.map((c) => `${c} connections`.padStart(18)).join("")}`);
  for (const partMib of SWEEP_PART_SIZES_MIB) {
    const row = SWEEP_CONNECTIONS.map((connections) => {
      const cell = cellAt(result, partMib, connections);
      const mark = partMib === DEFAULTS.partMib && connections === DEFAULTS.connections ? "*" : " ";
      return `${mark}${cell ? `${fmt(cell.page, 0)} / ${fmt(cell.libStorage, 0)}` : "n/a"}`.padStart(18);
    });
    console.log(`  ${`${partMib} MiB`.padEnd(10)}${row.join("")}`);
  }
  const bestPage = result.cells.reduce((a, b) => (b.page > a.page ? b : a));
  const bestLib = result.cells.reduce((a, b) => (b.libStorage > a.libStorage ? b : a));
  const atDefaults = cellAt(result, DEFAULTS.partMib, DEFAULTS.connections);
  console.log(`  best page ${fmt(bestPage.page)} MB/s at ${bestPage.partMib} MiB x ${bestPage.connections}; best lib-storage ${fmt(bestLib.libStorage)} MB/s at ${bestLib.partMib} MiB x ${bestLib.connections}`);
  console.log(`  each at its best settings: page / lib-storage ${fmt((100 * bestPage.page) / bestLib.libStorage, 0)}%  (B1 target >= 95%)`);
  if (atDefaults) console.log(`  page at its defaults: ${fmt(atDefaults.page)} MB/s, ${fmt((100 * atDefaults.page) / bestPage.page, 0)}% of the page's best and ${fmt((100 * atDefaults.page) / bestLib.libStorage, 0)}% of lib-storage's best`);
}

export function sweepSvg(result: SweepResult): string {
  const series: PlotSeries[] = SWEEP_PART_SIZES_MIB.flatMap((partMib) => [
    { label: `page, ${partMib} MiB parts`, points: SWEEP_CONNECTIONS.map((x) => ({ x, y: cellAt(result, partMib, x)?.page ?? Number.NaN })) },
  ]);
  const bestLibPart = result.cells.reduce((a, b) => (b.libStorage > a.libStorage ? b : a)).partMib;
  series.push({
    label: `lib-storage, ${bestLibPart} MiB`,
    dashed: true,
    points: SWEEP_CONNECTIONS.map((x) => ({ x, y: cellAt(result, bestLibPart, x)?.libStorage ?? Number.NaN })),
  });
  const atDefaults = cellAt(result, DEFAULTS.partMib, DEFAULTS.connections);
  return lineChartSvg({
    title: `Upload page throughput, ${result.fileBytes / GIB} GiB file to local MinIO`,
    xLabel: "connections (UPLOAD_CONNECTIONS / queueSize)",
    yLabel: "MB/s",
    series,
    marker: atDefaults ? { x: DEFAULTS.connections, y: atDefaults.page, label: "defaults" } : undefined,
  });
}

/** Renders the SVG in Chromium and saves it as a PNG. */
export async function writeSweepPng(browser: Browser, result: SweepResult, file: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><body style="margin:0">${sweepSvg(result)}</body>`);
    await page.locator("svg").screenshot({ path: file });
  } finally {
    await page.close();
  }
}
