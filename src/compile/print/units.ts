// Prints graph numbers the way a policy would write them (`2m`, `128k`, `$2.50`, `20%`), so the
// graph output reads like the source it came from.
import type { LimitNode } from "../graph.ts";

const DURATION_UNITS: [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "m"],
  [1000, "s"],
];

export function duration(ms: number): string {
  for (const [size, unit] of DURATION_UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return ms >= 1000 && (ms / 1000) % 1 !== 0 && (ms / 100) % 1 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function size(n: number): string {
  for (const [unit, div] of [
    ["G", 1e9],
    ["M", 1e6],
    ["k", 1e3],
  ] as const) {
    if (n >= div && (n / div) % 1 === 0) return `${n / div}${unit}`;
  }
  return String(n);
}

export function money(usd: number): string {
  const cents = Math.round(usd * 100);
  return Math.abs(usd * 100 - cents) < 1e-9 ? `$${(cents / 100).toFixed(2)}` : `$${usd}`;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 10_000) / 100}%`;
}

const PER: Record<LimitNode["window"], string> = { second: "s", minute: "min", hour: "h", day: "day", month: "month" };

export function limit(l: LimitNode): string {
  const amount = l.metric === "usd" ? money(l.amount) : size(l.amount);
  const metric = l.metric === "usd" ? "spend" : l.metric;
  return `${metric} ${amount}/${PER[l.window]}`;
}

/** `[429, 500..599, 503]` → `429 5xx` (a full hundred collapses to its class). */
export function statuses(codes: readonly number[]): string[] {
  const set = new Set(codes);
  const out: string[] = [];
  const classes = new Set<number>();
  for (let c = 1; c <= 5; c++) {
    let full = true;
    for (let s = c * 100; s < c * 100 + 100 && full; s++) full = set.has(s);
    if (full) classes.add(c);
  }
  for (const c of [...set].sort((a, b) => a - b)) {
    const cls = Math.floor(c / 100);
    if (!classes.has(cls)) out.push(String(c));
    else if (c % 100 === 0) out.push(`${cls}xx`);
  }
  return out;
}
