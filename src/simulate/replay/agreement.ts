// How closely a replay reproduced its log: per request, whether the same model served it (or both
// failed); overall, the success rates and the latency and TTFT percentiles side by side. Against
// the policy that wrote the log this measures the replay's fidelity; against another policy, how
// many requests the change would have turned out differently.
import { percentiles, round, type Percentiles } from "../percentiles.ts";
import type { RequestRow } from "../recorder.ts";
import type { LoggedRequest } from "./log-read.ts";

export interface Agreement {
  requests: number;
  /** Requests where the replay's served model equals the log's (`none` for a failure on both sides). */
  sameServedModel: number;
  servedModelAgreement: number;
  successRate: { log: number; replay: number };
  latencyMs: { log: Percentiles; replay: Percentiles };
  ttftMs: { log: Percentiles; replay: Percentiles };
  /** The first requests that came out differently: log id, what the log says, what the replay did. */
  differences: { id: string; log: string; replay: string }[];
}

const MAX_DIFFERENCES = 10;

const servedBy = (ok: boolean, model: string | null): string => (ok && model !== null ? model : "none");

/** `rows` in the order of `logged` (the replay's seq is the logged request's index). */
export function agreementOf(logged: readonly LoggedRequest[], rows: readonly RequestRow[]): Agreement {
  let same = 0;
  const differences: Agreement["differences"] = [];
  rows.forEach((row, i) => {
    const l = logged[i];
    const want = servedBy(l.ok, l.servedModel);
    const got = servedBy(row.ok, row.servedModel);
    if (want === got) same++;
    else if (differences.length < MAX_DIFFERENCES) differences.push({ id: l.id, log: want, replay: got });
  });
  const n = rows.length;
  const rate = (k: number): number => (n === 0 ? 0 : round(k / n, 4));
  const streamTtfts = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
  return {
    requests: n,
    sameServedModel: same,
    servedModelAgreement: rate(same),
    successRate: { log: rate(logged.filter((l) => l.ok).length), replay: rate(rows.filter((r) => r.ok).length) },
    latencyMs: { log: rounded(logged.map((l) => l.durationMs)), replay: rounded(rows.map((r) => r.latencyMs)) },
    ttftMs: {
      log: rounded(streamTtfts(logged.map((l) => (l.stream && l.ok ? l.ttftMs : null)))),
      replay: rounded(streamTtfts(rows.map((r) => (r.stream && r.ok ? r.ttftMs : null)))),
    },
    differences,
  };
}

function rounded(values: number[]): Percentiles {
  const p = percentiles(values);
  const r = (x: number | null): number | null => (x === null ? null : round(x, 1));
  return { p50: r(p.p50), p95: r(p.p95), p99: r(p.p99) };
}
