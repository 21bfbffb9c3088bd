// From a route to an ordered list of models worth attempting: evaluate rules in order (first match
// or `otherwise`), follow `route` targets and weighted `split` arms, then drop the candidates that
// cannot or may not serve this request, recording why (capability, context, no_key, breaker, quota).
import { CAP_BIT, MAX_ROUTE_HOPS } from "../../syntax/vocabulary.ts";
import type { SkipRecord } from "../api.ts";
import { reopensAt, wouldAdmit } from "../state/breaker.ts";
import type { CondInput } from "./conditions.ts";
import type { RequestCtx } from "../flow/context.ts";
import type { QuotaLeases, Random } from "../ports.ts";
import { isSpent, resetsAt, type QuotaSlot } from "../state/quotas.ts";
import type { CompiledRule, CompiledTarget, ModelEntry, Tables } from "./tables.ts";
import type { DecisionTracer } from "./trace.ts";

export type ListTarget = Extract<CompiledTarget, { kind: "list" }>;

export interface Plan {
  /** The innermost matching rule: its settings govern the attempts. */
  rule: CompiledRule;
  target: ListTarget;
}

/**
 * `hops`: the `route x` hops taken so far; the checker forbids cycles and longer chains (SY2020, SY2035).
 * `trace`, when given (explain), hears every rule tested and every split arm picked.
 */
export function resolvePlan(
  tables: Tables,
  route: string,
  input: CondInput,
  random: Random,
  hops = 0,
  trace?: DecisionTracer,
): Plan | null {
  if (hops > MAX_ROUTE_HOPS) return null;
  const rules = tables.routes.get(route);
  if (!rules) return null;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const matched = rule.cond(input);
    trace?.rule(route, i, rule.line, matched);
    if (!matched) continue;
    return resolveTarget(tables, rule, rule.target, input, random, hops, trace);
  }
  return null;
}

function resolveTarget(
  tables: Tables,
  rule: CompiledRule,
  target: CompiledTarget,
  input: CondInput,
  random: Random,
  hops: number,
  trace: DecisionTracer | undefined,
): Plan | null {
  switch (target.kind) {
    case "list":
      return { rule, target };
    case "route":
      return resolvePlan(tables, target.route, input, random, hops + 1, trace);
    case "split": {
      if (target.arms.length === 0) return null;
      let pick = random.next() * target.totalWeight;
      let armIndex = target.arms.length - 1;
      for (let i = 0; i < target.arms.length; i++) {
        const a = target.arms[i]!;
        if (pick < a.weight) {
          armIndex = i;
          break;
        }
        pick -= a.weight;
      }
      trace?.split(armIndex, target.arms.length);
      // a split arm is not a hop: split nesting is bounded by the policy text itself
      return resolveTarget(tables, rule, target.arms[armIndex]!.target, input, random, hops, trace);
    }
  }
}

function quotaBlocked(entry: ModelEntry, now: number, leases: QuotaLeases | null): boolean {
  if (entry.upstreamBlock.used > 0 && now < entry.upstreamBlock.windowStart) return true;
  for (const slot of entry.modelQuotas) if (slotSpent(slot, now, leases)) return true;
  for (const slot of entry.providerQuotas) if (slotSpent(slot, now, leases)) return true;
  return false;
}

/**
 * A `requests` quota the cluster leases is spent when no leased unit is in hand (the local count
 * then holds units other instances lease, not what they served); every other quota, and this one
 * while the store is down, by its local record.
 */
function slotSpent(slot: QuotaSlot, now: number, leases: QuotaLeases | null): boolean {
  if (leases !== null && slot.limit.metric === "requests") {
    const allowed = leases.allows(slot.key, now);
    if (allowed !== null) return !allowed;
  }
  return isSpent(slot, now);
}

/**
 * Why `entry` must not be attempted for this request at `now` (the caller reads the clock once for
 * all candidates), or null. Chat requests also skip embeddings-only models (embeddings bit without
 * chat), since they cannot answer a chat at all.
 */
export function skipReason(ctx: RequestCtx, entry: ModelEntry, now: number): SkipRecord["reason"] | null {
  const node = entry.node;
  const needs = ctx.needs;
  if ((node.caps & needs.mask) !== needs.mask) return "capability";
  if (ctx.chat && (node.caps & (CAP_BIT.embeddings | CAP_BIT.chat)) === CAP_BIT.embeddings) return "capability";
  if (node.contextWindow < needs.promptTokens + needs.maxTokens || node.contextWindow <= ctx.minContext)
    return "context";
  const keyEnv = entry.provider.keyEnv;
  if (keyEnv !== null && !ctx.core.ports.secrets.get(keyEnv)) return "no_key";
  const cfg = ctx.settings.breaker;
  if (!wouldAdmit(entry.breaker, cfg, now, entry.onBreaker)) return "breaker_open";
  if (!wouldAdmit(entry.providerBreaker, cfg, now, entry.onProviderBreaker)) return "breaker_open";
  if (quotaBlocked(entry, now, ctx.core.quotaLeases)) return "quota";
  return null;
}

/** When a skipped model could be tried again (breaker half-opens, quota window resets); null if never by waiting. */
export function availableAt(ctx: RequestCtx, entry: ModelEntry, reason: SkipRecord["reason"]): number | null {
  const now = ctx.core.ports.clock.now();
  const cfg = ctx.settings.breaker;
  if (reason === "breaker_open") {
    const times = [reopensAt(entry.breaker, cfg), reopensAt(entry.providerBreaker, cfg)].filter((t) => t !== null);
    // half-open with every probe slot taken: the probes finish within the request timeout
    return times.length > 0 ? Math.max(...times) : now + ctx.settings.timeout.totalMs;
  }
  if (reason === "quota") {
    let at = 0;
    if (entry.upstreamBlock.used > 0 && now < entry.upstreamBlock.windowStart) at = entry.upstreamBlock.windowStart;
    for (const slot of [...entry.modelQuotas, ...entry.providerQuotas]) {
      if (isSpent(slot, now)) at = Math.max(at, resetsAt(slot, now));
    }
    return at > 0 ? at : null;
  }
  return null;
}
