// Quota keys and windows as the state tools read them: the engine counts in the same fixed windows
// (`windowBounds` in src/syntax/vocabulary.ts, the one definition of a window).
import { WINDOWS, windowBounds, type WindowUnit } from "../syntax/vocabulary.ts";

/** Whose limit: a model's or provider's quota, or a declared key's or team's limit or budget. */
export type QuotaScope = "model" | "provider" | "key" | "team";
const SCOPES: readonly string[] = ["model", "provider", "key", "team"];

export type QuotaKey =
  | { kind: "limit"; scope: QuotaScope; name: string; metric: string; window: WindowUnit }
  /** `model:<name>:upstream_quota`: the upstream said "quota spent"; `windowStart` is when the block ends, `used` > 0 while it holds. */
  | { kind: "upstream_block"; scope: "model"; name: string };

/** Parses `model|provider|key|team:<name>:<metric>:<window>` and `model:<name>:upstream_quota`; null for any other shape. */
export function parseQuotaKey(key: string): QuotaKey | null {
  const parts = key.split(":");
  const scope = parts[0];
  if (scope === "model" && parts.length >= 3 && parts[parts.length - 1] === "upstream_quota") {
    return { kind: "upstream_block", scope, name: parts.slice(1, -1).join(":") };
  }
  if (parts.length < 4) return null;
  const window = parts[parts.length - 1];
  if (!SCOPES.includes(scope) || !(WINDOWS as readonly string[]).includes(window)) return null;
  return {
    kind: "limit",
    scope: scope as QuotaScope,
    name: parts.slice(1, -2).join(":"),
    metric: parts[parts.length - 2],
    window: window as WindowUnit,
  };
}

/** When the window that began at `start` ends. */
export function windowEnd(start: number, unit: WindowUnit): number {
  return windowBounds(unit, start)[1];
}

/** The start of the window containing `now`. */
export function currentWindowStart(unit: WindowUnit, now: number): number {
  return windowBounds(unit, now)[0];
}
