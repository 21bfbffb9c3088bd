// Small inline-SVG chart builders for the HTML report: stacked bars, lines and state bands on a
// shared time axis. Hand-rolled because the report must be one self-contained file with no
// scripts or network, and these four shapes are all it needs.
import { formatMs, formatOffset } from "./format.ts";

export const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac", "#e15759"];
export const WIDTH = 1080;
const LEFT = 110;
const RIGHT = 36;
const TOP = 12;
const BOTTOM = 28;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Rounds an axis maximum up to 1, 2, 2.5 or 5 times a power of ten, so ticks read as round numbers. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

interface Frame {
  height: number;
  durationMs: number;
  yMax: number;
  yLabel: (v: number) => string;
}

const plotW = WIDTH - LEFT - RIGHT;
const xOf = (f: Frame, ms: number) => LEFT + (ms / f.durationMs) * plotW;
const yOf = (f: Frame, v: number) => f.height - BOTTOM - (f.yMax === 0 ? 0 : (v / f.yMax) * (f.height - TOP - BOTTOM));

function axes(f: Frame): string {
  const parts: string[] = [];
  const bottom = f.height - BOTTOM;
  for (let i = 0; i <= 4; i++) {
    const v = (f.yMax * i) / 4;
    const y = yOf(f, v);
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeXml(f.yLabel(v))}</text>`);
  }
  for (let i = 0; i <= 6; i++) {
    const ms = (f.durationMs * i) / 6;
    const x = xOf(f, ms);
    parts.push(`<text x="${x.toFixed(1)}" y="${bottom + 18}" text-anchor="middle" class="tick">${formatOffset(Math.round(ms))}</text>`);
  }
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`);
  return parts.join("");
}

function svg(height: number, body: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">${body}</svg>`;
}

/** One stacked bar per bucket; `stacks[i][k]` is series k's value in bucket i. */
export function stackedBars(title: string, bucketMs: number, durationMs: number, stacks: number[][], colors: string[], yLabel = (v: number) => String(Math.round(v))): string {
  const height = 240;
  const max = niceCeil(Math.max(4, ...stacks.map((s) => s.reduce((a, b) => a + b, 0))));
  const f: Frame = { height, durationMs, yMax: max, yLabel };
  const bw = Math.max(1, (bucketMs / durationMs) * plotW - 1);
  const rects: string[] = [];
  stacks.forEach((stack, i) => {
    let base = 0;
    stack.forEach((v, k) => {
      if (v <= 0) return;
      const y0 = yOf(f, base);
      const y1 = yOf(f, base + v);
      rects.push(`<rect x="${xOf(f, i * bucketMs).toFixed(1)}" y="${y1.toFixed(1)}" width="${bw.toFixed(1)}" height="${(y0 - y1).toFixed(1)}" fill="${colors[k]}"/>`);
      base += v;
    });
  });
  return svg(height, axes(f) + rects.join(""), title);
}

/** Lines over bucket starts; null points break the line. */
export function lines(title: string, bucketMs: number, durationMs: number, series: { values: (number | null)[]; color: string }[], yLabel: (v: number) => string, yMaxAtLeast = 0): string {
  const height = 220;
  let max = yMaxAtLeast;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  const f: Frame = { height, durationMs, yMax: niceCeil(max), yLabel };
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
  const f: Frame = { height, durationMs, yMax: 0, yLabel: () => "" };
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = TOP + i * rowH;
    parts.push(`<rect x="${LEFT}" y="${y + 3}" width="${plotW}" height="${rowH - 6}" fill="#eaf4ea"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${y + rowH / 2 + 4}" text-anchor="end" class="tick">${escapeXml(r.label)}</text>`);
    for (const b of r.bands) {
      const x0 = xOf(f, b.startMs);
      const w = Math.max(1.5, xOf(f, b.endMs) - x0);
      const color = b.state === "open" ? "#e15759" : "#edc948";
      parts.push(`<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${color}"><title>${escapeXml(`${r.label} ${b.state} ${formatMs(b.startMs)}–${formatMs(b.endMs)}`)}</title></rect>`);
    }
  });
  for (let i = 0; i <= 6; i++) {
    const ms = (durationMs * i) / 6;
    parts.push(`<text x="${xOf(f, ms).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="tick">${formatOffset(Math.round(ms))}</text>`);
  }
  return svg(height, parts.join(""), title);
}
