// Scenario files write durations, rates, percentages and sizes exactly as policies do (`250ms`,
// `5m`, `100/s`, `1%`, `1M`). Rather than a second, subtly different parser, each value is read
// by the policy grammar itself (src/syntax/literal.ts).
import { parseLiteral } from "../syntax/literal.ts";
import { WINDOW_MS } from "../syntax/vocabulary.ts";

/** The single policy value written in `text`, or null when it is not exactly one value. */
export const policyValue = parseLiteral;

/** `250ms` → 250. Bare numbers are refused: a scenario must say its unit. */
export function durationMs(input: string | number): number | null {
  if (typeof input === "number") return input === 0 ? 0 : null;
  const v = policyValue(input.trim());
  return v?.kind === "duration" ? v.ms : v?.kind === "number" && v.value === 0 ? 0 : null;
}

/** `1%` or `0.01` → 0.01. */
export function fraction(input: string | number): number | null {
  if (typeof input === "number") return input >= 0 && input <= 1 ? input : null;
  const v = policyValue(input.trim());
  if (v?.kind === "percent" && v.value <= 100) return v.value / 100;
  if (v?.kind === "number" && v.value >= 0 && v.value <= 1) return v.value;
  return null;
}

/** `100/s`, `6000/min` or a bare number of requests per second → requests per millisecond. */
export function ratePerMs(input: string | number): number | null {
  if (typeof input === "number") return input > 0 ? input / 1000 : null;
  const v = policyValue(input.trim());
  if (v?.kind === "number" && v.value > 0) return v.value / 1000;
  // a mistyped window (`100/mni`) parses as a rate with an unknown `per`: not a rate here
  if (v?.kind !== "rate" || v.amount.kind === "money" || !Object.hasOwn(WINDOW_MS, v.per)) return null;
  const amount = v.amount.value;
  return amount > 0 ? amount / WINDOW_MS[v.per] : null;
}

/** `128k`, `1M` or a plain non-negative number. */
export function count(input: string | number): number | null {
  if (typeof input === "number") return input >= 0 ? input : null;
  const v = policyValue(input.trim());
  if (v?.kind === "size" || v?.kind === "number") return v.value >= 0 ? v.value : null;
  return null;
}

/** `$5` or `$0.25` → USD. */
export function usd(input: string | number): number | null {
  if (typeof input === "number") return null; // a bare number could be cents or dollars: say `$`
  const v = policyValue(input.trim());
  return v?.kind === "money" ? v.usd : null;
}

/** `1_000` or `-3` (YAML reads a number with `_` separators as a string): a plain number. */
export function plainNumber(input: string | number): number | null {
  if (typeof input === "number") return input;
  const v = policyValue(input.trim());
  return v?.kind === "number" ? v.value : null;
}
