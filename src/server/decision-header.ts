// The compact form of a request's routing decision, for the `x-switchyard-decision` response header
// and the `decision` field of the request log line when the gateway runs with `--debug-decisions`:
// `rule=chat#2; gpt4o skip:breaker_open; sonnet ok; served=sonnet; attempts=2`. Built from the
// DecisionTrace the engine's own decision code recorded (the trace `explain` prints). It names only
// policy declarations (routes, models) and numbers, never request text or a key, and is bounded.
import type { DecisionTrace } from "../runtime/api.ts";

export const DECISION_HEADER = "x-switchyard-decision";

/** Candidates listed before the rest are summed up as `+N more`; lists are short in practice. */
const MAX_CANDIDATES = 8;
/** A header line well under every proxy's limit, whatever the policy's names. */
const MAX_CHARS = 512;

/** `attempts`: the attempts made so far (a stream's header goes out with its serving attempt counted). */
export function compactDecision(trace: DecisionTrace, servedModel: string | null, attempts: number): string {
  const parts: string[] = [];
  const matched = trace.rules.filter((r) => r.matched).map((r) => `${r.route}#${r.rule}`);
  parts.push(`rule=${matched.length === 0 ? "none" : matched.join(">")}`);
  for (const s of trace.splits) parts.push(`split=${s.arm}/${s.of}`);
  const shown = trace.candidates.slice(0, MAX_CANDIDATES);
  for (const c of shown) parts.push(c.skip === null ? `${c.model} ok` : `${c.model} skip:${c.skip}`);
  if (trace.candidates.length > shown.length) parts.push(`+${trace.candidates.length - shown.length} more`);
  if (trace.refused !== null) parts.push(`refused=${trace.refused.status}`);
  parts.push(`served=${servedModel ?? "none"}`, `attempts=${attempts}`);
  const line = parts.join("; ");
  return line.length <= MAX_CHARS ? line : `${line.slice(0, MAX_CHARS - 3)}...`;
}
