// The replay's own lines, printed above the usual simulate summary: what was replayed and how
// closely the run agrees with the log.
import { formatMs, formatShare } from "../format.ts";
import type { Percentiles } from "../percentiles.ts";
import type { Agreement } from "./agreement.ts";

export interface ReplayHeader {
  log: string;
  skipped: Record<string, number>;
  speed: number;
  window: string;
}

function side(p: Percentiles): string {
  const f = (x: number | null): string => (x === null ? "–" : formatMs(x));
  return `p50 ${f(p.p50)}  p95 ${f(p.p95)}  p99 ${f(p.p99)}`;
}

export function renderReplayText(h: ReplayHeader, a: Agreement): string {
  const skipped = Object.entries(h.skipped).map(([why, n]) => `${why} ${n}`);
  const out = [
    `replay of \`${h.log}\`: ${a.requests} requests${skipped.length > 0 ? ` (skipped: ${skipped.join(", ")})` : ""}, speed ${h.speed}x, window ${h.window}`,
    `agreement with the log`,
    `  served model  ${a.sameServedModel}/${a.requests} requests (${formatShare(a.servedModelAgreement)})`,
    `  success rate  log ${formatShare(a.successRate.log)}  replay ${formatShare(a.successRate.replay)}`,
    `  latency       log ${side(a.latencyMs.log)}`,
    `                replay ${side(a.latencyMs.replay)}`,
    `  ttft          log ${side(a.ttftMs.log)}  (streams)`,
    `                replay ${side(a.ttftMs.replay)}`,
  ];
  for (const d of a.differences) out.push(`  differs       ${d.id}: log ${d.log}, replay ${d.replay}`);
  return `${out.join("\n")}\n\n`;
}
