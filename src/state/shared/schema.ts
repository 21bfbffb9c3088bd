// What comes back from the shared store is untrusted (another build, another tool writing under the
// same prefix, a damaged value): it is checked here before any instance acts on it.
import * as v from "valibot";
import type { SharedBreaker, SharedWindow } from "../../runtime/ports.ts";

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const nonNegativeOrNull = v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0)));

const BreakerSchema = v.object({
  phase: v.picklist(["closed", "open", "half_open"]),
  openedAt: v.nullable(finite),
  by: v.string(),
  at: finite,
});

const WindowSchema = v.object({
  instance: v.string(),
  at: finite,
  bucketMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  buckets: v.array(v.object({ start: finite, ok: count, fail: count })),
  latencyEwmaMs: nonNegativeOrNull,
  ttftEwmaMs: nonNegativeOrNull,
  tokensPerSecEwma: nonNegativeOrNull,
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The breaker in `text`, or null when it is not one (ignored, as if absent). */
export function readBreaker(text: string | null): SharedBreaker | null {
  if (text === null) return null;
  const r = v.safeParse(BreakerSchema, parseJson(text));
  return r.success ? r.output : null;
}

export function readWindow(text: string | null): SharedWindow | null {
  if (text === null) return null;
  const r = v.safeParse(WindowSchema, parseJson(text));
  return r.success ? r.output : null;
}
