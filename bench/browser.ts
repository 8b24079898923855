/**
 * Drives the real upload page in headless Chromium (Debian's build, the flags the e2e suite uses)
 * and times it from inside the page: the file input's change event to each row's data-status.
 */
import { randomUUID } from "node:crypto";
import { chromium, type Browser, type Page } from "@playwright/test";
import { CHROMIUM_ARGS } from "../playwright.config";

/** First time (performance.now(), ms) each row reached each status, by file name. */
export type RowTimes = Record<string, Partial<Record<string, number>>>;
export type PageRun = { addedAt: number; rows: RowTimes; failures: Array<{ name: string; reason: string }> };

const FINAL_STATUSES = ["done", "failed", "rejected", "cancelled"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * The tracer the page's upload engine picks up (client/tracer.ts): each span becomes a User Timing
 * measure, which `readPartTimeline` reads back. Plain JS in a string, like WATCH_ROWS_SCRIPT below.
 */
const TRACER_SCRIPT = `window.__uploadTracer = { span: (name, start, end) => performance.measure(name, { start, end }) };`;

/**
 * A new context (so no resume records carry over between runs) with a new user, on /upload.
 * `trace` turns on the engine's part timeline; without it the page records no timings.
 */
export async function signedInUploadPage(browser: Browser, appUrl: string, options: { trace?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: appUrl });
  if (options.trace) await context.addInitScript(TRACER_SCRIPT);
  const page = await context.newPage();
  await page.goto("/signup");
  await page.getByTestId("email-input").fill(`bench-${randomUUID()}@example.com`);
  await page.getByTestId("password-input").fill("bench-password-1");
  await page.getByTestId("submit-button").click();
  await page.getByTestId("signed-in-user").waitFor();
  await page.goto("/upload");
  await page.locator('[data-testid="upload-queue"][data-ready="true"]').waitFor();
  return page;
}

export type Measure = { name: string; start: number; duration: number };

/** The spans the page's tracer recorded so far, which it then forgets (a 5 GiB upload makes thousands). */
export function readPartTimeline(page: Page): Promise<Measure[]> {
  return page.evaluate(() => {
    const measures = performance.getEntriesByType("measure").map((m) => ({ name: m.name, start: m.startTime, duration: m.duration }));
    performance.clearMeasures();
    return measures;
  });
}

export async function setConcurrency(page: Page, value: number): Promise<void> {
  const input = page.getByTestId("concurrency-input");
  await input.fill(String(value));
  await input.blur();
}

/**
 * Records, in the page, when files are added and when each row first shows each status. Plain JS
 * in a string: tsx would wrap named functions in a helper (`__name`) that the page does not have.
 */
const WATCH_ROWS_SCRIPT = `(() => {
  const bench = { addedAt: 0, rows: {} };
  window.__bench = bench;
  const note = (row) => {
    const name = row.getAttribute("data-name");
    const status = row.getAttribute("data-status");
    if (!name || !status) return;
    const times = (bench.rows[name] ??= {});
    times[status] ??= performance.now();
  };
  document.addEventListener("change", () => (bench.addedAt ||= performance.now()), { capture: true });
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") note(record.target);
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches('[data-testid="upload-row"]')) note(node);
        node.querySelectorAll('[data-testid="upload-row"]').forEach(note);
      }
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
})()`;

/** Adds the files through the file input and waits until every row is in a final status (done or not). */
export async function uploadThroughPage(page: Page, paths: string[], timeoutMs: number): Promise<PageRun> {
  await page.evaluate(WATCH_ROWS_SCRIPT);
  await page.getByTestId("file-input").setInputFiles(paths);
  await page.waitForFunction(
    ({ count, finals }) => {
      const rows = document.querySelectorAll('[data-testid="upload-row"]');
      return rows.length >= count && [...rows].every((row) => finals.includes(row.getAttribute("data-status") ?? ""));
    },
    { count: paths.length, finals: FINAL_STATUSES },
    { polling: 100, timeout: timeoutMs },
  );
  const failures = await page.locator('[data-testid="upload-row"]:not([data-status="done"])').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.getAttribute("data-name") ?? "",
      reason: `${row.getAttribute("data-status")}: ${row.querySelector('[data-testid="failure-reason"], [data-testid="rejection-reason"]')?.textContent ?? ""}`,
    })),
  );
  const times = await page.evaluate(() => (window as unknown as { __bench: Omit<PageRun, "failures"> }).__bench);
  return { ...times, failures };
}
