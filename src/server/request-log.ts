// One structured JSON line per request. Built from OutcomeMeta only: it carries model names,
// statuses and usage, never prompt text or keys, so a log line cannot leak either. Every line
// carries its time twice: `time`, ISO 8601 UTC, which log shippers and people read, and `at`, the
// same instant in epoch milliseconds, which is what arithmetic on lines wants (and what earlier
// consumers read).
import type { AttemptRecord, OutcomeMeta } from "../runtime/api.ts";
import type { CacheStatus } from "../cache/response-cache.ts";
import { roundUsd } from "../util/money.ts";
import { compactDecision } from "./decision-header.ts";

/** Receives complete JSON lines (no trailing newline); serve.ts writes them to stdout. */
export type LogSink = (line: string) => void;

export interface RequestLogFields {
  id: string;
  method: string;
  path: string;
  route: string | null;
  /** The declared key the request authenticated as (its name, never the secret); absent: anonymous. */
  key?: string | null;
  status: number;
  durationMs: number;
  ttftMs: number | null;
  overheadMs: number;
  stream: boolean;
  meta: OutcomeMeta | null;
  /** Set for errors answered by the gateway itself (validation, auth…). */
  error: string | null;
  /** The response cache's part (`x-switchyard-cache`); absent: bypass. */
  cache?: CacheStatus;
}

const round = (n: number): number => Math.round(n * 100) / 100;

export function requestLogLine(f: RequestLogFields, at: number): string {
  const meta = f.meta;
  return JSON.stringify({
    event: "request",
    time: isoTime(at),
    at: Math.floor(at), // whole milliseconds, the same instant as `time`; the system clock has sub-ms fractions
    id: f.id,
    method: f.method,
    path: f.path,
    route: f.route,
    ...(f.key ? { key: f.key } : {}), // only with declared keys: lines without them read as before
    status: f.status,
    stream: f.stream,
    cache: f.cache ?? "bypass",
    durationMs: round(f.durationMs),
    ttftMs: f.ttftMs === null ? null : round(f.ttftMs),
    overheadMs: round(f.overheadMs),
    servedModel: meta?.servedModel ?? null,
    attempts: (meta?.attempts ?? []).map((a) => attemptFields(a, meta!.startedAt)),
    skipped: meta?.skipped ?? [],
    failovers: meta?.failovers ?? 0,
    continuations: meta?.continuations ?? 0,
    tokens: meta?.usage ? { in: meta.usage.prompt_tokens, out: meta.usage.completion_tokens } : null,
    costUsd: roundUsd(meta?.costUsd ?? 0),
    error: f.error ?? meta?.errorClass ?? null,
    // only with --debug-decisions: the same compact decision as the x-switchyard-decision header
    ...(meta?.decision ? { decision: compactDecision(meta.decision, meta.servedModel, meta.attempts.length) } : {}),
  });
}

/**
 * One attempt as the log shows it. `at` (ms after the request arrived) and `ttftMs` let
 * `simulate --replay` rebuild when each upstream answered and how fast; `phase` names which
 * deadline a timeout hit, `retryAfterMs` how long the upstream asked to wait. The free-text message is left out: it may quote an upstream's body.
 */
function attemptFields(a: AttemptRecord, requestStartedAt: number) {
  return {
    model: a.model,
    status: a.status,
    cls: a.cls,
    at: round(a.startedAt - requestStartedAt),
    durationMs: round(a.durationMs),
    ttftMs: a.ttftMs === null ? null : round(a.ttftMs),
    ...(a.cls === "timeout" ? { phase: timeoutPhase(a.message) } : {}),
    ...(a.retryAfterMs !== undefined ? { retryAfterMs: a.retryAfterMs } : {}),
  };
}

/** The engine's own timeout messages (`first token timeout`…) as a phase name; anything else is kept out. */
function timeoutPhase(message: string | null): string | null {
  const phase = /^(connect|first token|idle|total) timeout$/.exec(message ?? "")?.[1];
  return phase === undefined ? null : phase.replace(" ", "_");
}

export function eventLogLine(event: string, at: number, fields: Record<string, unknown>): string {
  return JSON.stringify({ event, time: isoTime(at), at: Math.floor(at), ...fields });
}

/**
 * `2026-12-04T15:42:59.123Z`; a clock value outside Date's range (a test's odd clock) is kept as
 * null. The text up to the second is kept from the last call: lines come in time order, many a
 * second, and a Date with its native `toISOString` per line was 0.6 µs of a request.
 */
function isoTime(at: number): string | null {
  const ms = Math.floor(at);
  if (!(ms >= 0 && ms < LAST_FOUR_DIGIT_YEAR_MS)) {
    const date = new Date(at); // before 1970 or past 9999: the full, rare path
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond.at) isoSecond = { at: second, text: new Date(second * 1000).toISOString().slice(0, 20) };
  const fraction = ms - second * 1000;
  return `${isoSecond.text}${fraction < 10 ? "00" : fraction < 100 ? "0" : ""}${fraction}Z`;
}

/** 10000-01-01T00:00:00Z: from there `toISOString` writes a six-digit year, so the slice no longer fits. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_800_000;
let isoSecond = { at: Number.NaN, text: "" };
