/**
 * The sweep's chart as an SVG string (pure: no browser, no files), rendered to PNG by the bench
 * in Chromium, so the plot needs no charting dependency.
 */
export type PlotSeries = { label: string; points: Array<{ x: number; y: number }>; dashed?: boolean };
export type PlotInput = { title: string; xLabel: string; yLabel: string; series: PlotSeries[]; marker?: { x: number; y: number; label: string } };

const WIDTH = 760;
const HEIGHT = 460;
const MARGIN = { top: 48, right: 190, bottom: 56, left: 70 };
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

/** A round step so the y axis has about five ticks. */
export function niceStep(max: number): number {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw)!;
}

export function lineChartSvg(input: PlotInput): string {
  const points = input.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const step = niceStep(Math.max(1, ...points.map((p) => p.y)));
  const yMax = Math.ceil(Math.max(1, ...points.map((p) => p.y)) / step) * step;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xMin = xs[0] ?? 0;
  const xSpan = Math.max(1, (xs.at(-1) ?? 1) - xMin);
  const sx = (x: number) => MARGIN.left + ((x - xMin) / xSpan) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`,
  ];
  for (let y = 0; y <= yMax; y += step) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${sy(y) + 4}" text-anchor="end">${y}</text>`);
  }
  for (const x of xs) out.push(`<text x="${sx(x)}" y="${MARGIN.top + plotH + 20}" text-anchor="middle">${x}</text>`);
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${sy(0)}" y2="${sy(0)}" stroke="#333"/>`);
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${sy(0)}" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escapeXml(input.xLabel)}</text>`);
  out.push(`<text transform="translate(20 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(input.yLabel)}</text>`);
  input.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const valid = series.points.filter((p) => Number.isFinite(p.y));
    const path = valid.map((p, j) => `${j === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    for (const p of valid) out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${color}"/>`);
    const legendY = MARGIN.top + 10 + i * 22;
    out.push(`<line x1="${WIDTH - MARGIN.right + 16}" x2="${WIDTH - MARGIN.right + 40}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    out.push(`<text x="${WIDTH - MARGIN.right + 46}" y="${legendY + 4}">${escapeXml(series.label)}</text>`);
  });
  if (input.marker && Number.isFinite(input.marker.y)) {
    const { x, y, label } = input.marker;
    out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="8" fill="none" stroke="black" stroke-width="2"/>`);
    out.push(`<text x="${(sx(x) + 12).toFixed(1)}" y="${(sy(y) + 22).toFixed(1)}">${escapeXml(label)}</text>`);
  }
  out.push("</svg>");
  return out.join("\n");
}
