// Dollar amounts as people read them. Costs are sums of `tokens × price / 1M` in floating point, so
// they pick up noise (`9.000000000000001e-7`); the engine keeps the exact sums and every place a
// person sees one (log lines, `state show`, simulate summaries and reports) rounds it here.

/** Decimals kept: nano-dollars, finer than any per-token price (cents per billion tokens). */
export const USD_DECIMALS = 9;
const SCALE = 10 ** USD_DECIMALS;

/** `x` rounded to whole nano-dollars: a number that prints without float noise (for JSON). */
export function roundUsd(usd: number): number {
  return Number.isFinite(usd) ? Math.round(usd * SCALE) / SCALE : usd;
}

/**
 * `$12.35`, `$0.0425`, `$0.0000009`: cents from a dollar up; below, three significant digits (at
 * most to the nano-dollar), trailing zeros dropped down to two decimals. Never an exponent.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return `$${usd}`;
  const abs = Math.abs(usd);
  if (abs >= 1 || abs === 0) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(USD_DECIMALS, 2 - Math.floor(Math.log10(abs)));
  return `$${usd.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
}
