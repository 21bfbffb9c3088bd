// The two expectations written for clusters (`instances:`), though they hold for one instance too:
// how many requests a model served (a quota spent once, not once per instance) and how many
// half-open probes reached a model within one cool-down, counted across every instance.
import type { RequestRow } from "./recorder.ts";
import type { Expectation } from "./scenario-types.ts";
import { boundsText, formatMs } from "./format.ts";

/** A request an instance let through a half-open breaker, when it reached the upstream. */
export interface ProbeEvent {
  model: string;
  at: number; // ms from the run start
  instance: number;
  /** Sent after a successful probe of the same half-open turn (`successes` > 1): not a new turn. */
  confirming: boolean;
}

type Served = Extract<Expectation, { check: "served" }>;
type Probes = Extract<Expectation, { check: "probes_per_cooldown" }>;

export function servedCheck(e: Served, rows: readonly RequestRow[]): { passed: boolean; measured: string } {
  let n = 0;
  for (const r of rows) if (r.ok && r.servedModel === e.model && r.arrivedAt >= e.fromMs && r.arrivedAt < e.toMs) n++;
  const passed = (e.atLeast === null || n >= e.atLeast) && (e.atMost === null || n <= e.atMost);
  return { passed, measured: `${n} served` };
}

/**
 * The most half-open turns probed in any span of one cool-down (probes are in time order): each
 * probe that starts a turn counts, the confirming ones after a success do not.
 */
export function probesCheck(
  e: Probes,
  probes: readonly ProbeEvent[],
  cooldownMs: number,
): { passed: boolean; measured: string; detail: string | null } {
  const times = probes.filter((p) => p.model === e.model && !p.confirming).map((p) => p.at);
  let worst = 0;
  let worstAt = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= cooldownMs) j++;
    if (i - j + 1 > worst) [worst, worstAt] = [i - j + 1, times[j]!];
  }
  return {
    passed: worst <= e.atMost,
    measured: `at most ${worst} in ${formatMs(cooldownMs)} (${times.length} probes in all)`,
    detail: worst > e.atMost ? `${worst} probes from ${formatMs(worstAt)}` : null,
  };
}

export function describeClusterCheck(e: Served | Probes): string {
  if (e.check === "probes_per_cooldown") return `probes to \`${e.model}\` per cool-down at most ${e.atMost}`;
  return `\`${e.model}\` serves ${boundsText(e.atLeast, e.atMost, String)} requests in ${formatMs(e.fromMs)}–${formatMs(e.toMs)}`;
}
