// A `cache` block that sets bounds or `shared` but leaves every rule it reaches with `ttl 0s` does
// nothing: the cache is on only where `ttl` is above zero. Said once per such block, at the block,
// since the usual cause is a forgotten `ttl` (`cache { max_entries 10k }`).
import type { Block, Policy } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { findProperty, layerSettings } from "../resolve-settings.ts";
import { BUILTIN_DEFAULTS } from "../defaults.ts";
import { declsOf, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkCacheSettings(policy: Policy, ctx: CheckContext): void {
  const defaults = ctx.symbols.defaults?.body ?? null;
  const base = layerSettings(BUILTIN_DEFAULTS, defaults);
  let anyOn = false;
  for (const route of declsOf(policy, "route")) {
    const routeValues = layerSettings(base, route.body);
    let routeOn = false;
    for (const rule of rulesOf(route)) {
      const on = layerSettings(routeValues, rule.settings).cache.ttl > 0;
      if (!on) reportIdle(rule.settings, ctx);
      routeOn ||= on;
    }
    if (!routeOn) reportIdle(route.body, ctx);
    anyOn ||= routeOn;
  }
  if (!anyOn) reportIdle(defaults, ctx);
}

function reportIdle(block: Block | null, ctx: CheckContext): void {
  const cache = block === null ? undefined : findProperty(block, "cache");
  if (cache === undefined || cache.value.kind !== "block") return;
  const sets = cache.value.members.some((m) => m.kind === "property" && m.key.name !== "ttl");
  if (!sets) return;
  ctx.warning("SY3010", CHECK_MESSAGES.SY3010.cacheOff(), cache.key.span, "`ttl` is 0s for every rule this reaches", {
    help: "add `ttl`, e.g. `cache { ttl 10m }`, to turn the cache on, or remove the block",
  });
}
