// Orders a rule's candidates by its strategy. Ordering happens before skipping, so a skipped
// favourite simply yields to the next in line; every strategy returns a fresh array.
import type { RuntimeState } from "../api.ts";
import type { ListTarget } from "./candidates.ts";
import type { RequestNeeds } from "./needs.ts";
import type { Random } from "../ports.ts";
import type { StickyMap } from "../state/sticky-map.ts";
import type { CandidateEntry, ModelEntry } from "./tables.ts";

export interface OrderInput {
  random: Random;
  cursors: RuntimeState["cursors"];
  sticky: StickyMap;
  /** The request's sticky value (header or metadata), if the strategy is sticky. */
  stickyValue: string | null;
  needs: RequestNeeds;
}

/** Output tokens assumed for cost ranking when the client gave no max_tokens. */
const ASSUMED_OUTPUT_TOKENS = 256;

export function stickyStateKey(target: ListTarget, value: string): string {
  return `${target.key}:${value}`;
}

export function orderCandidates(target: ListTarget, input: OrderInput): ModelEntry[] {
  const list = target.candidates;
  switch (target.strategy) {
    case "priority":
      return list.map((c) => c.model);
    case "round_robin": {
      const n = list.length;
      if (n === 0) return [];
      const cursor = input.cursors[target.key] ?? 0;
      input.cursors[target.key] = (cursor + 1) % 1_000_000_007;
      const start = cursor % n;
      const out: ModelEntry[] = [];
      for (let i = 0; i < n; i++) out.push(list[(start + i) % n]!.model);
      return out;
    }
    case "weighted":
      return weightedOrder(list, input.random);
    case "lowest_latency": {
      // unmeasured models rank first (as 0 ms) so they get measured at all
      const stream = input.needs.stream;
      const score = (m: ModelEntry): number =>
        (stream ? (m.window.ttftEwmaMs ?? m.window.latencyEwmaMs) : (m.window.latencyEwmaMs ?? m.window.ttftEwmaMs)) ??
        0;
      return stableSort(
        list.map((c) => c.model),
        score,
      );
    }
    case "lowest_cost": {
      const out = input.needs.maxTokens > 0 ? input.needs.maxTokens : ASSUMED_OUTPUT_TOKENS;
      const inTok = input.needs.promptTokens;
      return stableSort(
        list.map((c) => c.model),
        (m) => m.node.priceIn * inTok + m.node.priceOut * out,
      );
    }
    case "sticky": {
      const models = list.map((c) => c.model);
      if (input.stickyValue === null) return models;
      const pinned = input.sticky.get(stickyStateKey(target, input.stickyValue));
      const at = pinned === undefined ? -1 : models.findIndex((m) => m.name === pinned);
      if (at > 0) models.unshift(...models.splice(at, 1));
      return models;
    }
  }
}

function stableSort(models: ModelEntry[], score: (m: ModelEntry) => number): ModelEntry[] {
  return models
    .map((m, i) => ({ m, i, s: score(m) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.m);
}

/** Weighted sampling without replacement: the first pick follows the weights, then the rest. */
function weightedOrder(list: CandidateEntry[], random: Random): ModelEntry[] {
  const pool = list.slice();
  const out: ModelEntry[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((s, c) => s + c.weight, 0);
    let idx = 0;
    if (total > 0) {
      let pick = random.next() * total;
      idx = pool.length - 1;
      for (let i = 0; i < pool.length; i++) {
        if (pick < pool[i]!.weight) {
          idx = i;
          break;
        }
        pick -= pool[i]!.weight;
      }
    }
    out.push(pool.splice(idx, 1)[0]!.model);
  }
  return out;
}
