// The HTML report as a reader sees it: traffic shares on a 0–100% axis, axis ticks on round steps
// (1, 2 or 5 × 10^k), and one line instead of an empty error-rate chart when nothing failed.
import { describe, expect, test } from "bun:test";
import { renderHtml } from "../../src/simulate/render-html.ts";
import { niceTicks } from "../../src/simulate/svg-charts.ts";
import { simulate } from "./helpers.ts";

const CLEAN = `duration: 2m
traffic: [{ route: chat, rate: 4/s, mix: { stream: 50% } }]
`;
// both providers down for 20s: some requests fail outright
const FAILING = `${CLEAN}providers:
  main: { faults: [{ at: 30s, for: 20s, fault: status, status: 503 }] }
  spare: { faults: [{ at: 30s, for: 20s, fault: status, status: 503 }] }
`;

/** The `<svg>` whose aria-label starts with `label`, or null. */
function chart(html: string, label: string): string | null {
  const at = html.indexOf(`aria-label="${label}`);
  if (at < 0) return null;
  const start = html.lastIndexOf("<svg", at);
  return html.slice(start, html.indexOf("</svg>", at) + 6);
}

/** y-axis labels, bottom to top. */
function yTicks(svg: string): string[] {
  return [...svg.matchAll(/<text x="\d+" y="[\d.]+" text-anchor="end" class="tick">([^<]*)<\/text>/g)].map(
    (m) => m[1]!,
  );
}

const UNIT: Record<string, number> = { "": 1, "%": 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Whether labels are 0, step, 2·step… with step 1, 2 or 5 × 10^k. */
function onRoundSteps(labels: string[]): boolean {
  const values = labels.map((l) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|%)?$/.exec(l);
    if (!m) throw new Error(`unexpected tick label \`${l}\``);
    return Number(m[1]) * UNIT[m[2] ?? ""]!;
  });
  const step = values[1]! - values[0]!;
  const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
  return (
    values[0] === 0 && [1, 2, 5].includes(mantissa) && values.every((v, i) => Math.abs(v - i * step) < step * 1e-9)
  );
}

describe("report charts", () => {
  test("niceTicks steps by 1, 2 or 5 × 10^k and reaches the maximum", () => {
    expect(niceTicks(63)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(1720)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  test("traffic share is in percent of each bucket: 0–100% axis, every busy bucket's bar full height", async () => {
    const html = renderHtml(await simulate(FAILING));
    const share = chart(html, "share of each bucket")!;
    expect(share).not.toBeNull();
    expect(yTicks(share)).toEqual(["0%", "20%", "40%", "60%", "80%", "100%"]);
    const stacks = new Map<string, number>();
    for (const m of share.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g))
      stacks.set(m[1]!, (stacks.get(m[1]!) ?? 0) + Number(m[2]));
    expect(stacks.size).toBeGreaterThan(5);
    for (const height of stacks.values()) expect(Math.abs(height - 200)).toBeLessThan(0.5); // the plot is 200px tall
  });

  test("every chart's y ticks fall on round steps", async () => {
    const html = renderHtml(await simulate(FAILING));
    for (const label of ["share of each bucket", "error rate", "latency percentiles"]) {
      const svg = chart(html, label);
      expect(svg).not.toBeNull();
      expect({ label, round: onRoundSteps(yTicks(svg!)) }).toEqual({ label, round: true });
    }
  });

  test("a run without errors says so in one line instead of drawing an empty error-rate chart", async () => {
    const clean = renderHtml(await simulate(CLEAN));
    expect(chart(clean, "error rate")).toBeNull();
    expect(clean).toContain('<h2>error rate</h2><p class="none">no errors: every request succeeded</p>');
    expect(chart(renderHtml(await simulate(FAILING)), "error rate")).not.toBeNull();
  });
});
