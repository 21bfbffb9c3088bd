// Settings inheritance: built-in → `defaults` → route → rule target block, each layer overriding
// only the keys it names (also inside nested blocks such as `retry { backoff { … } }`). Values are
// read with the checker's schema (read-value.ts), so the checker validates exactly the numbers the
// engine runs with. The layering itself lives in the checker (resolve-settings.ts), which applies
// it the same way; here each distinct result becomes one Graph `Settings` object.
import type { Block } from "../syntax/ast.ts";
import { layerSettings } from "../check/resolve-settings.ts";
import { BUILTIN_DEFAULTS, type SettingsValues } from "../check/defaults.ts";
import type { Settings } from "./graph.ts";

export { layerSettings };

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

export function toGraphSettings(v: Readonly<SettingsValues>): Settings {
  const settings: Settings = {
    timeout: {
      connectMs: v.timeout.connect,
      firstTokenMs: v.timeout.first_token,
      idleMs: v.timeout.idle,
      totalMs: v.timeout.total,
    },
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
    stream: { onBreak: v.stream.on_break, toolCalls: v.stream.tool_calls },
    failoverOnContentPolicy: v.failover.on_content_policy,
    // only when declared, so graphs of policies without bounds read as before
    ...(v.bounds.latency === null && v.bounds.cost === null && v.bounds.attempts === null
      ? {}
      : { bounds: { latencyMs: v.bounds.latency, costUsd: v.bounds.cost, attempts: v.bounds.attempts } }),
  };
  // absent when off, so graphs without a cache read (and print) exactly as before
  const c = v.cache;
  if (c.ttl > 0) settings.cache = { ttlMs: c.ttl, maxEntries: c.max_entries, maxBytes: c.max_bytes, shared: c.shared };
  return settings;
}
