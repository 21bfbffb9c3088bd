// Human formatting of durations, shares and money, shared by the text and HTML renderers and the
// expectation messages so the same quantity reads the same everywhere.

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "∞";
  if (ms < 1000) return `${Math.round(ms * 10) / 10}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6000) / 10}m`;
  return `${Math.round(ms / 360_000) / 10}h`;
}

export function formatShare(x: number): string {
  return `${Math.round(x * 10000) / 100}%`;
}

export { formatUsd } from "../util/money.ts";

/** `at least 25% and at most 35%`: an expectation's bounds, each written by `format`. */
export function boundsText(atLeast: number | null, atMost: number | null, format: (n: number) => string): string {
  return [atLeast !== null ? `at least ${format(atLeast)}` : "", atMost !== null ? `at most ${format(atMost)}` : ""]
    .filter(Boolean)
    .join(" and ");
}

/** `00:05:00` style clock offsets for timelines. */
export function formatOffset(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const frac = ms % 1000 === 0 ? "" : `.${String(Math.floor(ms % 1000)).padStart(3, "0")}`;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}${frac}`;
}
