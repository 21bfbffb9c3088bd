// The routing decision on its own: what the request needs, which rule matches, which candidates
// survive the skip checks and in what order. No I/O and no attempt is made, so the engine's chat
// path starts here and the microbenchmark times exactly the code the engine runs.
import type { ChatRequest, EngineOptions, OutcomeMeta } from "./api.ts";
import { newMeta, type Core } from "./context.ts";
import { inferChatNeeds, type RequestNeeds } from "./needs.ts";
import { policyRedactor } from "./redactor.ts";
import { prepare, type Prepared } from "./request-plan.ts";
import { adoptState } from "./runtime-state.ts";
import { StickyMap } from "./sticky-map.ts";
import { buildTables } from "./tables.ts";

/** Sticky-session entries kept (least recently used go first). */
export const STICKY_CAPACITY = 10_000;

export interface ChatDecision {
  needs: RequestNeeds;
  meta: OutcomeMeta;
  /** The matched rule's context and the viable candidates in strategy order, or the error answer. */
  prepared: Prepared;
}

/** Per-graph tables and carried-over state, built once when an engine is created. */
export function buildCore(opts: EngineOptions, observer: NonNullable<EngineOptions["observer"]>): Core {
  const { graph, ports, adapters } = opts;
  const state = adoptState(graph, opts.state);
  const sticky = new StickyMap(STICKY_CAPACITY, state.sticky);
  const tables = buildTables(graph, state, adapters, (key, from, to) => observer.breaker?.(key, from, to, ports.clock.now()));
  return { ports, observer, tables, state, sticky, checkpoints: new Map(), redactor: policyRedactor(graph, ports.secrets) };
}

export function decideChat(core: Core, req: ChatRequest): ChatDecision {
  const meta = newMeta(req.id, req.route, core.ports.clock.now());
  const needs = inferChatNeeds(req.body);
  return { needs, meta, prepared: prepare(core, req, needs, true, meta) };
}
