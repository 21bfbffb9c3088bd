// valibot schemas for a snapshot document: a snapshot is untrusted input (an old build, a
// hand-edited file, a disk error), so nothing reaches the engine until it has passed these.
import * as v from "valibot";
import type { RuntimeState } from "../runtime/api.ts";
import type { TimingTable } from "./timing.ts";

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const timeOrNull = v.nullable(finite);

const BreakerSchema = v.object({
  phase: v.picklist(["closed", "open", "half_open"]),
  consecutiveFailures: count,
  openedAt: timeOrNull,
  probesInFlight: count,
  probeSuccesses: count,
});

const WindowSchema = v.object({
  bucketMs: nonNegative, // 0 until the first result is recorded
  buckets: v.array(v.object({ start: finite, ok: count, fail: count })),
  latencyEwmaMs: v.nullable(nonNegative),
  ttftEwmaMs: v.nullable(nonNegative),
  tokensPerSecEwma: v.nullable(nonNegative),
});

/**
 * The engine starts a quota that has never counted anything at `-Infinity`; JSON has no infinity
 * and writes `null`, so `null` reads back as `-Infinity` (msgpack and yaml keep it as is).
 */
const windowStart = v.union([
  v.pipe(v.number(), v.notValue(Number.POSITIVE_INFINITY)),
  v.pipe(
    v.null(),
    v.transform(() => Number.NEGATIVE_INFINITY),
  ),
]);

const QuotaSchema = v.object({ windowStart, used: nonNegative });

const CountersSchema = v.object({
  requests: count,
  successes: count,
  failures: count,
  tokensIn: count,
  tokensOut: count,
  costUsd: nonNegative,
});

const AccessSchema = v.object({
  requests: count,
  refused: count,
  tokensIn: count,
  tokensOut: count,
  costUsd: nonNegative,
});

export const RuntimeStateSchema = v.object({
  breakers: v.record(v.string(), BreakerSchema),
  windows: v.record(v.string(), WindowSchema),
  quotas: v.record(v.string(), QuotaSchema),
  cursors: v.record(v.string(), count),
  sticky: v.record(v.string(), v.string()),
  counters: v.record(v.string(), CountersSchema),
  /** Optional: snapshots written before keys existed have none. */
  access: v.optional(v.record(v.string(), AccessSchema)),
});

const positiveMs = v.pipe(v.number(), v.finite(), v.minValue(1));

/** Optional, so snapshots written before it was recorded still read (as the built-in defaults). */
const TimingSchema = v.object({
  cooldownMs: v.record(v.string(), positiveMs),
  windowMs: v.record(v.string(), positiveMs),
});

export const SnapshotDocumentSchema = v.object({
  version: v.number(),
  writtenAt: finite,
  state: RuntimeStateSchema,
  timing: v.optional(TimingSchema),
});

/**
 * What a snapshot file holds after its header: layout version, the writer's clock time, the state,
 * and the cool-downs and windows the writer's policy gave each breaker and window.
 */
export interface SnapshotDocument {
  version: number;
  writtenAt: number;
  state: RuntimeState;
  timing?: TimingTable;
}

// If RuntimeState grows a field, this line stops compiling until the schema learns it too.
const _schemaCoversState: v.InferOutput<typeof RuntimeStateSchema> extends RuntimeState ? true : never = true;
void _schemaCoversState;

/** A short, path-naming summary of why a document failed validation (first few issues). */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `\`${path}\`: ${issue.message.toLowerCase()}` : issue.message.toLowerCase();
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  return shown.join("; ") + more;
}
