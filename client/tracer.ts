/**
 * Timing spans for the benchmark's part timeline (bench/throughput.ts prints them). The product
 * runs without a tracer and does no timing work at all; the benchmark installs one in the page
 * before it loads (`window.__uploadTracer`, see bench/browser.ts) and reads what it recorded.
 */
export type Tracer = { span(name: string, start: number, end: number): void };

/** `performance.now()` when tracing, else 0: an untraced upload reads no clock. */
export function traceClock(tracer: Tracer | undefined): number {
  return tracer ? performance.now() : 0;
}

/** The tracer the benchmark put on the page, if any. */
export function pageTracer(): Tracer | undefined {
  if (typeof window === "undefined") return undefined;
  return (window as { __uploadTracer?: Tracer }).__uploadTracer;
}
