// The response cache's part of a simulation report: its counters at the end of the run (serve's
// `/admin/state` cache block, plus the hit rate), and the two expectations a scenario can place on
// them. Present only when a rule of the policy caches, so other reports are unchanged.
import type { CacheStats } from "../cache/response-cache.ts";
import { roundUsd } from "../util/money.ts";
import { boundsText, formatShare, formatUsd } from "./format.ts";
import { round } from "./percentiles.ts";
import type { Expectation } from "./scenario-types.ts";

export interface CacheSummary {
  hits: number;
  misses: number;
  bypasses: number;
  /** Hits per lookup (hits + misses); bypasses looked nothing up. */
  hitRate: number;
  /** What the answers served from the cache cost when they were first bought, in USD. */
  savedUsd: number;
  entries: number;
  evictions: number;
  expirations: number;
}

export function cacheSummary(s: CacheStats): CacheSummary {
  const lookups = s.hits + s.misses;
  return {
    hits: s.hits,
    misses: s.misses,
    bypasses: s.bypasses,
    hitRate: lookups === 0 ? 0 : round(s.hits / lookups, 6),
    savedUsd: roundUsd(s.savedUsd),
    entries: s.entries,
    evictions: s.evictions,
    expirations: s.expirations,
  };
}

/** `42.5% hits (85 of 200 lookups), saved $0.0120`: the one line the text and HTML reports show. */
export function cacheLine(c: CacheSummary): string {
  const bypassed = c.bypasses > 0 ? `, ${c.bypasses} bypassed` : "";
  return `${formatShare(c.hitRate)} hits (${c.hits} of ${c.hits + c.misses} lookups${bypassed}), saved ${formatUsd(c.savedUsd)}`;
}

type CacheExpectation = Extract<Expectation, { check: "cache_hit_rate" | "cache_saved" }>;

export function describeCacheCheck(e: CacheExpectation): string {
  const bounds = boundsText(e.atLeast, e.atMost, e.check === "cache_saved" ? formatUsd : formatShare);
  return `${e.check === "cache_saved" ? "cache saves" : "cache hit rate"} ${bounds}`;
}

export function checkCache(
  e: CacheExpectation,
  cache: CacheSummary | null,
): { passed: boolean; measured: string; detail: string | null } {
  if (cache === null) return { passed: false, measured: "n/a", detail: "no rule of this policy has a `cache` block" };
  const value = e.check === "cache_saved" ? cache.savedUsd : cache.hitRate;
  const passed = (e.atLeast === null || value >= e.atLeast) && (e.atMost === null || value <= e.atMost);
  return { passed, measured: cacheLine(cache), detail: null };
}
