// Settings inheritance: built-in → `defaults` → route → rule target block, each layer overriding
// only the keys it names (also inside nested blocks such as `retry { backoff { … } }`). Values are
// read with the checker's schema (read-value.ts), so the checker validates exactly the numbers the
// engine runs with. Layers are applied incrementally (defaults once, each route once, then only the
// rules that have their own block), which keeps large policies fast to compile.
import type { Block } from "../syntax/ast.ts";
import { readValue } from "../check/read-value.ts";
import { BUILTIN_DEFAULTS, settingsSchema, type BlockSchema, type SettingsValues } from "../check/schema.ts";
import type { Settings } from "./graph.ts";

/**
 * Resolves settings layer by layer and hands out one Graph `Settings` object per distinct result,
 * so rules without their own block share their route's object (less to build, less to serialise).
 */
export class SettingsResolver {
  private readonly converted = new Map<Readonly<SettingsValues>, Settings>();
  readonly defaults: Readonly<SettingsValues>;

  constructor(defaultsBlock: Block | null | undefined) {
    this.defaults = layerSettings(BUILTIN_DEFAULTS, defaultsBlock);
  }

  /** The graph settings for `values`, converted once. */
  settings(values: Readonly<SettingsValues>): Settings {
    let s = this.converted.get(values);
    if (s === undefined) this.converted.set(values, (s = toGraphSettings(values)));
    return s;
  }
}

/** `base` with `block`'s settings on top; `base` itself is returned when the block sets nothing. */
export function layerSettings(base: Readonly<SettingsValues>, block: Block | null | undefined): Readonly<SettingsValues> {
  if (!block || !block.members.some((m) => m.kind === "property" && m.key.name in settingsSchema)) return base;
  const values = copyValues(base);
  apply(settingsSchema, block, values as unknown as Record<string, unknown>);
  return values;
}

function copyValues(v: Readonly<SettingsValues>): SettingsValues {
  return {
    timeout: { ...v.timeout },
    retry: { ...v.retry, backoff: { ...v.retry.backoff }, on: v.retry.on }, // `on` is replaced whole, never mutated
    breaker: { ...v.breaker },
    stream: { ...v.stream },
    failover: { ...v.failover },
  };
}

/** Same rules as the checker's resolver: first occurrence of a key wins, unreadable values are skipped. */
function apply(schema: BlockSchema, block: Block, into: Record<string, unknown>): void {
  const members = block.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.kind !== "property" || isRepeat(members, i, m.key.name)) continue;
    const field = schema[m.key.name];
    if (!field) continue;
    if (field.type === "block") {
      if (m.value.kind === "block") apply(field.fields, m.value, into[m.key.name] as Record<string, unknown>);
      continue;
    }
    const value = readValue(field, m.value);
    if (value !== undefined) into[m.key.name] = value;
  }
}

/** Whether an earlier member has the same key (blocks are tiny: a scan beats a Set per block). */
function isRepeat(members: Block["members"], i: number, key: string): boolean {
  for (let j = 0; j < i; j++) {
    const m = members[j];
    if (m.kind === "property" && m.key.name === key) return true;
  }
  return false;
}

export function toGraphSettings(v: Readonly<SettingsValues>): Settings {
  return {
    timeout: { connectMs: v.timeout.connect, firstTokenMs: v.timeout.first_token, idleMs: v.timeout.idle, totalMs: v.timeout.total },
    retry: {
      attempts: v.retry.attempts,
      maxPerRequest: v.retry.max_per_request,
      backoffBaseMs: v.retry.backoff.base,
      backoffMaxMs: v.retry.backoff.max,
      jitter: v.retry.backoff.jitter,
      onStatuses: [...v.retry.on.statuses],
      onClasses: [...v.retry.on.classes],
      retryAfterCapMs: v.retry.retry_after_cap,
    },
    breaker: {
      failures: v.breaker.failures,
      errorRate: v.breaker.error_rate === 0 ? null : v.breaker.error_rate, // `error_rate 0%` turns the rate rule off
      windowMs: v.breaker.window,
      minRequests: v.breaker.min_requests,
      cooldownMs: v.breaker.cooldown,
      probes: v.breaker.probes,
      successes: v.breaker.successes,
    },
    stream: { onBreak: v.stream.on_break },
    failoverOnContentPolicy: v.failover.on_content_policy,
  };
}
