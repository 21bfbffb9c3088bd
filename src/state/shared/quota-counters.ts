// Which shared counters a graph has (one per model and provider quota, and one per limit of a
// declared key or team) and how a finished request's usage lands on them. Keys are the engine's
// own quota keys (`model:<m>:<metric>:<window>`, `key:<name>:…`), so the shared total can be laid
// over the local QuotaState under the same name.
import type { Graph, LimitNode } from "../../compile/graph.ts";
import type { OutcomeMeta } from "../../runtime/api.ts";
import type { SharedCounter } from "../../runtime/ports.ts";
import { windowBounds } from "../../syntax/vocabulary.ts";

export interface QuotaRef {
  key: string;
  limit: LimitNode;
}

const keyOf = (owner: "model" | "provider" | "key" | "team", name: string, limit: LimitNode): string =>
  `${owner}:${name}:${limit.metric}:${limit.window}`;

/** Every quota of `model` (its own and its provider's). */
export function quotasOfModel(graph: Graph, model: string): QuotaRef[] {
  const m = graph.models.find((x) => x.name === model);
  if (!m) return [];
  const provider = graph.providers.find((p) => p.name === m.provider);
  return [
    ...m.limits.map((limit) => ({ key: keyOf("model", m.name, limit), limit })),
    ...(provider?.limits ?? []).map((limit) => ({ key: keyOf("provider", provider!.name, limit), limit })),
  ];
}

export function allQuotas(graph: Graph): QuotaRef[] {
  const seen = new Map<string, QuotaRef>();
  for (const m of graph.models) for (const q of quotasOfModel(graph, m.name)) seen.set(q.key, q);
  return [...seen.values()];
}

/** The limits of the declared key `name` and of its team: what a request booked to it counts against. */
export function quotasOfKey(graph: Graph, name: string): QuotaRef[] {
  const k = graph.keys?.find((x) => x.name === name);
  if (!k) return [];
  const team = k.team === null ? undefined : graph.teams?.find((t) => t.name === k.team);
  return [
    ...k.limits.map((limit) => ({ key: keyOf("key", k.name, limit), limit })),
    ...(team?.limits ?? []).map((limit) => ({ key: keyOf("team", team!.name, limit), limit })),
  ];
}

/** Every key's and team's limits (they are counted after the reply: no lease is taken for them). */
export function allKeyQuotas(graph: Graph): QuotaRef[] {
  const seen = new Map<string, QuotaRef>();
  for (const k of graph.keys ?? []) for (const q of quotasOfKey(graph, k.name)) seen.set(q.key, q);
  return [...seen.values()];
}

export function counterAt(q: QuotaRef, now: number): SharedCounter {
  const [windowStart, windowEnd] = windowBounds(q.limit.window, now);
  return { key: q.key, windowStart, windowEnd, limit: q.limit.amount };
}

/** What a finished request used, in the quota's metric (0: nothing to count). */
export function amountFor(q: QuotaRef, meta: OutcomeMeta): number {
  if (q.limit.metric === "requests") return 1;
  if (q.limit.metric === "usd") return meta.costUsd;
  return meta.usage ? meta.usage.prompt_tokens + meta.usage.completion_tokens : 0;
}
