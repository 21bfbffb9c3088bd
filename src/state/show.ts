// `switchyard state show`: a snapshot as people read it. Times are shown relative to when the
// snapshot was written (the moment it describes); limits come from the policy when one is given,
// cool-downs from it or else from what the writing gateway recorded, so "12 / 100 requests,
// resets in 41s" needs no arithmetic by the reader.
import type { Graph, LimitNode } from "../compile/graph.ts";
import type { BreakerState, QuotaState, RuntimeState, WindowState } from "../runtime/api.ts";
import type { StateFormat } from "./format.ts";
import { formatUsd } from "../util/money.ts";
import { parseQuotaKey, windowEnd, type QuotaScope } from "./quota-window.ts";
import { DEFAULT_TIMING, timingFromGraph, timingFromTable, type TimingTable } from "./timing.ts";

export interface ShowInput {
  path: string;
  format: StateFormat;
  version: number;
  bytes: number;
  writtenAt: number;
  state: RuntimeState;
  graph?: Graph;
  /** The cool-downs and windows the writing gateway recorded; `graph` wins when given. */
  timing?: TimingTable;
}

export function renderSnapshot(input: ShowInput): string {
  const { state, writtenAt } = input;
  const timing = input.graph
    ? timingFromGraph(input.graph)
    : input.timing
      ? timingFromTable(input.timing)
      : DEFAULT_TIMING;
  const cooldownSource = input.graph || input.timing ? "" : " (default)";
  const lines = [
    `state file  ${input.path}`,
    `format      ${input.format}, layout v${input.version}, ${input.bytes.toLocaleString("en-US")} bytes`,
    `written at  ${isoOrRaw(writtenAt)}`,
  ];
  section(lines, "breakers", state.breakers, (key, b) =>
    breakerLine(b, writtenAt, timing.cooldownMs(key), cooldownSource),
  );
  section(lines, "quotas", state.quotas, (key, q) => quotaLine(key, q, writtenAt, input.graph));
  section(lines, "latency and error windows", state.windows, (model, w) =>
    windowLine(w, writtenAt, timing.windowMs(model)),
  );
  section(
    lines,
    "counters",
    state.counters,
    (_, c) =>
      `${c.requests} requests (${c.successes} ok, ${c.failures} failed) · ${c.tokensIn} tokens in, ${c.tokensOut} out · ${formatUsd(c.costUsd)}`,
  );
  if (state.access) {
    section(
      lines,
      "keys and teams",
      state.access,
      (_, c) =>
        `${c.requests} requests (${c.refused} refused) · ${c.tokensIn} tokens in, ${c.tokensOut} out · ${formatUsd(c.costUsd)}`,
    );
  }
  section(lines, "round-robin cursors", state.cursors, (_, n) => String(n));
  section(lines, "sticky sessions", state.sticky, (_, model) => `→ ${model}`);
  return lines.join("\n") + "\n";
}

function section<T>(
  lines: string[],
  title: string,
  record: Record<string, T>,
  describe: (key: string, value: T) => string,
): void {
  const keys = Object.keys(record).sort();
  lines.push("", `${title} (${keys.length})`);
  if (keys.length === 0) lines.push("  none");
  const width = Math.min(40, Math.max(0, ...keys.map((k) => k.length)));
  for (const key of keys) lines.push(`  ${key.padEnd(width)}  ${describe(key, record[key])}`.trimEnd());
}

function breakerLine(b: BreakerState, at: number, cooldownMs: number, cooldownSource: string): string {
  const parts: string[] = [b.phase];
  if (b.consecutiveFailures > 0) parts.push(`${b.consecutiveFailures} consecutive failures`);
  if (b.openedAt !== null && b.phase !== "closed") {
    parts.push(`opened ${duration(at - b.openedAt)} before the snapshot`);
    if (b.phase === "open") {
      const left = b.openedAt + cooldownMs - at;
      parts.push(
        left > 0
          ? `cool-down${cooldownSource} ends ${duration(left)} after it`
          : `cool-down${cooldownSource} over: half-open at next use`,
      );
    }
  }
  if (b.phase === "half_open") parts.push(`probes: ${b.probesInFlight} in flight, ${b.probeSuccesses} succeeded`);
  return parts.join(" · ");
}

function quotaLine(key: string, q: QuotaState, at: number, graph: Graph | undefined): string {
  const parsed = parseQuotaKey(key);
  if (!parsed) return `used ${q.used} · window from ${isoOrRaw(q.windowStart)}`;
  if (parsed.kind === "upstream_block") {
    if (q.used === 0 || q.windowStart <= at) return "upstream quota: not blocked";
    return `upstream said its quota is spent · blocked until ${duration(q.windowStart - at)} after the snapshot`;
  }
  if (!Number.isFinite(q.windowStart)) return `${parsed.metric}: nothing counted yet (${parsed.window} window)`;
  const limit = findLimit(graph, parsed.scope, parsed.name, parsed.metric, parsed.window);
  const unit = parsed.metric === "usd" ? "" : ` ${parsed.metric}`;
  const used = `${formatAmount(q.used, parsed.metric)}${limit ? ` / ${formatAmount(limit.amount, parsed.metric)}` : ""}${unit}`;
  const end = windowEnd(q.windowStart, parsed.window);
  const resets =
    end > at ? `resets ${duration(end - at)} after the snapshot` : "window already over: resets at next use";
  return `${used} · ${parsed.window} window from ${isoOrRaw(q.windowStart)} · ${resets}`;
}

function findLimit(
  graph: Graph | undefined,
  scope: QuotaScope,
  name: string,
  metric: string,
  window: string,
): LimitNode | null {
  if (!graph) return null;
  const owners: readonly { name: string; limits: LimitNode[] }[] =
    scope === "model"
      ? graph.models
      : scope === "provider"
        ? graph.providers
        : scope === "key"
          ? (graph.keys ?? [])
          : (graph.teams ?? []);
  const owner = owners.find((o) => o.name === name);
  return owner?.limits.find((l) => l.metric === metric && l.window === window) ?? null;
}

function windowLine(w: WindowState, at: number, windowMs: number): string {
  const parts: string[] = [];
  parts.push(w.latencyEwmaMs === null ? "latency —" : `latency ${Math.round(w.latencyEwmaMs)}ms`);
  parts.push(w.ttftEwmaMs === null ? "first token —" : `first token ${Math.round(w.ttftEwmaMs)}ms`);
  if (w.tokensPerSecEwma !== null) parts.push(`${w.tokensPerSecEwma.toFixed(1)} tokens/s`);
  const recent = w.buckets.filter((b) => b.start + w.bucketMs > at - windowMs);
  const ok = recent.reduce((n, b) => n + b.ok, 0);
  const fail = recent.reduce((n, b) => n + b.fail, 0);
  parts.push(
    ok + fail === 0
      ? `no results in the last ${duration(windowMs)}`
      : `${ok} ok, ${fail} failed in the last ${duration(windowMs)}`,
  );
  return parts.join(" · ");
}

function formatAmount(n: number, metric: string): string {
  return metric === "usd" ? formatUsd(n) : n.toLocaleString("en-US");
}

/** Epoch-like clock times as ISO dates; a non-epoch clock (tests, simulation) as raw milliseconds. */
function isoOrRaw(t: number): string {
  if (!Number.isFinite(t)) return String(t);
  return t > 946_684_800_000 && t < 32_503_680_000_000 ? new Date(t).toISOString() : `clock ${t}ms`;
}

export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)}ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(abs < 10_000 ? 1 : 0)}s`;
  if (abs < 3_600_000) return compound(ms, 60_000, "m", 1000, "s");
  if (abs < 86_400_000) return compound(ms, 3_600_000, "h", 60_000, "m");
  return `${(ms / 86_400_000).toFixed(1)}d`;
}

/** `2m`, `2m30s`: the larger unit, then the smaller one only when it is not zero. */
function compound(ms: number, big: number, bigUnit: string, small: number, smallUnit: string): string {
  const whole = Math.floor(ms / big);
  const rest = Math.round((ms % big) / small);
  return rest === 0 ? `${whole}${bigUnit}` : `${whole}${bigUnit}${rest}${smallUnit}`;
}
