// Settings inheritance (built-in → `defaults` → route → rule target block) is resolved by the
// checker's schema-driven resolver, so the checker validates exactly the numbers the engine will
// run with; this file only maps its canonical values onto the Graph's `Settings` shape.
import type { Block } from "../syntax/ast.ts";
import { resolveSettings } from "../check/resolve-settings.ts";
import { BUILTIN_DEFAULTS, type SettingsValues } from "../check/schema.ts";
import type { Settings } from "./graph.ts";

/** Layers from outermost to innermost: the `defaults` body, the route body, the rule's settings block. */
export function resolveGraphSettings(layers: readonly (Block | null | undefined)[]): Settings {
  return toGraphSettings(resolveSettings(layers).values);
}

export const BUILTIN_SETTINGS: Readonly<Settings> = toGraphSettings(BUILTIN_DEFAULTS);

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
