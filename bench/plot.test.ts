import { describe, expect, it } from "vitest";
import { lineChartSvg, niceStep } from "./plot";

describe("niceStep", () => {
  it.each([
    [180, 50],
    [95, 20],
    [1000, 200],
    [7, 2],
  ])("gives a round step for a maximum of %d", (max, step) => {
    expect(niceStep(max)).toBe(step);
  });
});

describe("lineChartSvg", () => {
  const input = {
    title: "T <&>",
    xLabel: "connections",
    yLabel: "MB/s",
    series: [
      { label: "8 MiB", points: [{ x: 2, y: 50 }, { x: 4, y: 100 }] },
      { label: "lib", points: [{ x: 2, y: 60 }, { x: 4, y: Number.NaN }], dashed: true },
    ],
    marker: { x: 4, y: 100, label: "default" },
  };

  it("draws one path per series, skipping missing points, and escapes text", () => {
    const svg = lineChartSvg(input);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4); // 3 finite points + the marker
    expect(svg).toContain("T &lt;&amp;&gt;");
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it("puts a larger value higher on the chart", () => {
    const svg = lineChartSvg(input);
    const ys = [...svg.matchAll(/<path d="M[\d.]+,([\d.]+) L[\d.]+,([\d.]+)"/g)][0]!;
    expect(Number(ys[2])).toBeLessThan(Number(ys[1]));
  });
});
