// Readings shared by the cases' judges: requests that never finished, a request's attempts on one
// model, and the verdict for a failure that no alternative could have absorbed.
import type { AttemptRecord } from "../../runtime/api.ts";
import type { RequestRow } from "../recorder.ts";
import type { Grade, RouteUnderTest, Verdict } from "./types.ts";

export const verdict = (grade: Grade, reason: string): Verdict => ({ grade, reason });

export function attemptsOf(row: RequestRow): readonly AttemptRecord[] {
  return row.trail?.attempts ?? [];
}

export function attemptsOn(row: RequestRow, model: string): AttemptRecord[] {
  return attemptsOf(row).filter((a) => a.model === model);
}

/** `1.5s`, `250ms`, `2m`: how long something took, as the scorecard prints it. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10}s`;
  return `${Math.round(ms / 6000) / 10}m`;
}

/** Tokens in each simulated reply the cases ask for (`traffic`'s default output length). */
export const REPLY_TOKENS = 60;

/**
 * Whether a served answer reads as the simulated upstream wrote it: `token1 token2 … tokenN`, no
 * word repeated, lost or glued, at least `tokens(row)` long (a model continuing an answer that
 * never said it finished may add to it). A continuation that repeats or drops text fails it.
 */
export function garbled(rows: RequestRow[], tokens: (row: RequestRow) => number): Verdict | null {
  for (const row of rows) {
    if (!row.ok || row.trail === undefined) continue;
    const words = row.trail.text.split(" ");
    const wrong = words.findIndex((w, i) => w !== `token${i + 1}`);
    if (wrong < 0 && words.length >= tokens(row)) continue;
    const at = wrong < 0 ? words.length : wrong;
    const near = words.slice(Math.max(0, at - 2), at + 2).join(" ");
    return verdict("fail", `an answer's text is not what the upstream wrote (near \`${near}\`, ${row.trail.final})`);
  }
  return null;
}

/** The verdict every case gives first: requests left hanging are always a fail. */
export function hung(rows: RequestRow[]): Verdict | null {
  const open = rows.filter((r) => r.errorKind === "never_finished").length;
  return open > 0 ? verdict("fail", `${open} of ${rows.length} requests never finished`) : null;
}

/** Requests that failed while a fault on the primary lasted: a fail, naming what was missing. */
export function failedRequests(r: RouteUnderTest, rows: RequestRow[], what: string): Verdict {
  const failed = rows.filter((row) => !row.ok);
  const first = failed[0]!;
  const why =
    r.alternatives.length === 0
      ? "the route has no fallback"
      : `no fallback served them (last: ${first.trail?.final ?? first.errorKind ?? "?"})`;
  return verdict("fail", `${failed.length} of ${rows.length} requests failed (${what}): ${why}`);
}

/**
 * A transient fault (one attempt's worth) reaching the client: a retry or a fallback would have
 * served it, so failing is a fail, naming which of the two the policy lacks.
 */
export function transient(r: RouteUnderTest, rows: RequestRow[], what: string): Verdict {
  const h = hung(rows);
  if (h) return h;
  if (rows.every((row) => row.ok)) {
    const row = rows[0]!;
    const retried = attemptsOn(row, r.primary.name).length > 1;
    return verdict("pass", retried ? `retried \`${r.primary.name}\`, served` : `failed over to \`${row.servedModel}\``);
  }
  const noRetry = r.settings.retry.attempts <= 1 ? "no retry" : "the retry did not cover it";
  const noFallback = r.alternatives.length === 0 ? "no fallback" : "no fallback was tried";
  return verdict("fail", `${what} reached the client: ${noRetry} and ${noFallback}`);
}
