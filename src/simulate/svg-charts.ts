// Small inline-SVG chart builders for the HTML report: stacked bars, lines and state bands on a
// shared time axis. Hand-rolled because the report must be one self-contained file with no
// scripts or network, and these four shapes are all it needs.
import { formatMs, formatOffset } from "./format.ts";

export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#b07aa1",
  "#76b7b2",
  "#edc948",
  "#9c755f",
  "#ff9da7",
  "#bab0ac",
  "#e15759",
];
export const WIDTH = 1080;
const LEFT = 110;
const RIGHT = 36;
const TOP = 12;
const BOTTOM = 28;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Axis ticks for values up to `max`: 0, step, 2·step… up to the first one at or above `max`, the
 * step being 1, 2 or 5 times a power of ten with about `target` intervals, so every label is a
 * round number (dividing a "nice" maximum into quarters gave 12.5 → 13, 37.5 → 38, 62.5 → 63).
 */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough * (1 - 1e-12))!;
  const count = Math.ceil(max / step - 1e-9);
  // toPrecision: 3 × 0.1 is 0.30000000000000004, which would print as a label
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

interface Frame {
  height: number;
  durationMs: number;
  /** y-axis ticks, ascending from 0; the last one is the top of the plot. */
  ticks: number[];
  yLabel: (v: number) => string;
}

const plotW = WIDTH - LEFT - RIGHT;
const xOf = (f: Frame, ms: number) => LEFT + (ms / f.durationMs) * plotW;
const yMax = (f: Frame) => f.ticks[f.ticks.length - 1] ?? 0;
const yOf = (f: Frame, v: number) =>
  f.height - BOTTOM - (yMax(f) === 0 ? 0 : (v / yMax(f)) * (f.height - TOP - BOTTOM));

function axes(f: Frame): string {
  const parts: string[] = [];
  const bottom = f.height - BOTTOM;
  for (const v of f.ticks) {
    const y = yOf(f, v);
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(
      `<text x="${LEFT - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeXml(f.yLabel(v))}</text>`,
    );
  }
  for (let i = 0; i <= 6; i++) {
    const ms = (f.durationMs * i) / 6;
    const x = xOf(f, ms);
    parts.push(
      `<text x="${x.toFixed(1)}" y="${bottom + 18}" text-anchor="middle" class="tick">${formatOffset(Math.round(ms))}</text>`,
    );
  }
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`);
  return parts.join("");
}

function svg(height: number, body: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">${body}</svg>`;
}

/**
 * One stacked bar per bucket; `stacks[i][k]` is series k's value in bucket i. The axis reaches the
 * tallest stack, or `fixedMax` when given (100 for shares in percent).
 */
export function stackedBars(
  title: string,
  bucketMs: number,
  durationMs: number,
  stacks: number[][],
  colors: string[],
  yLabel = (v: number) => String(v),
  fixedMax?: number,
): string {
  const height = 240;
  const max = fixedMax ?? Math.max(4, ...stacks.map((s) => s.reduce((a, b) => a + b, 0)));
  const f: Frame = { height, durationMs, ticks: niceTicks(max), yLabel };
  const bw = Math.max(1, (bucketMs / durationMs) * plotW - 1);
  const rects: string[] = [];
  stacks.forEach((stack, i) => {
    let base = 0;
    stack.forEach((v, k) => {
      if (v <= 0) return;
      const y0 = yOf(f, base);
      const y1 = yOf(f, base + v);
      rects.push(
        `<rect x="${xOf(f, i * bucketMs).toFixed(1)}" y="${y1.toFixed(1)}" width="${bw.toFixed(1)}" height="${(y0 - y1).toFixed(1)}" fill="${colors[k]}"/>`,
      );
      base += v;
    });
  });
  return svg(height, axes(f) + rects.join(""), title);
}

/** Lines over bucket starts; null points break the line. */
export function lines(
  title: string,
  bucketMs: number,
  durationMs: number,
  series: { values: (number | null)[]; color: string }[],
  yLabel: (v: number) => string,
  yMaxAtLeast = 0,
): string {
  const height = 220;
  let max = yMaxAtLeast;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  const f: Frame = { height, durationMs, ticks: niceTicks(max), yLabel };
  const paths = series.map((s) => {
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${xOf(f, i * bucketMs + bucketMs / 2).toFixed(1)},${yOf(f, v).toFixed(1)}`;
      pen = true;
    });
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
  });
  return svg(height, axes(f) + paths.join(""), title);
}

export interface Band {
  startMs: number;
  endMs: number;
  state: "open" | "half_open";
}

/** One row per model with coloured spans while its breaker was open or half-open. */
export function bands(title: string, durationMs: number, rows: { label: string; bands: Band[] }[]): string {
  const rowH = 22;
  const height = TOP + rows.length * rowH + BOTTOM;
  const f: Frame = { height, durationMs, ticks: [0], yLabel: () => "" };
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = TOP + i * rowH;
    parts.push(`<rect x="${LEFT}" y="${y + 3}" width="${plotW}" height="${rowH - 6}" fill="#eaf4ea"/>`);
    parts.push(
      `<text x="${LEFT - 6}" y="${y + rowH / 2 + 4}" text-anchor="end" class="tick">${escapeXml(r.label)}</text>`,
    );
    for (const b of r.bands) {
      const x0 = xOf(f, b.startMs);
      const w = Math.max(1.5, xOf(f, b.endMs) - x0);
      const color = b.state === "open" ? "#e15759" : "#edc948";
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${escapeXml(`${r.label} ${b.state} ${formatMs(b.startMs)}–${formatMs(b.endMs)}`)}</title></rect>`,
      );
    }
  });
  for (let i = 0; i <= 6; i++) {
    const ms = (durationMs * i) / 6;
    parts.push(
      `<text x="${xOf(f, ms).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="tick">${formatOffset(Math.round(ms))}</text>`,
    );
  }
  return svg(height, parts.join(""), title);
}
