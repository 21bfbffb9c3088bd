// The routing decision on its own: what the request needs, which rule matches, which candidates
// survive the skip checks and in what order. No I/O and no attempt is made, so the engine's chat
// path starts here and the microbenchmark times exactly the code the engine runs.
import type { ChatRequest, OutcomeMeta } from "../api.ts";
import { newMeta, type Core } from "../flow/context.ts";
import { inferChatNeeds, type RequestNeeds } from "./needs.ts";
import { prepare, type Prepared } from "./request-plan.ts";
import type { DecisionTracer } from "./trace.ts";

export interface ChatDecision {
  needs: RequestNeeds;
  meta: OutcomeMeta;
  /** The matched rule's context and the viable candidates in strategy order, or the error answer. */
  prepared: Prepared;
}

/** `trace` records each step for `Engine.explain`; the request path passes none. */
export function decideChat(core: Core, req: ChatRequest, trace?: DecisionTracer): ChatDecision {
  const meta = newMeta(req.id, req.route, core.ports.clock.now());
  const needs = inferChatNeeds(req.body);
  return { needs, meta, prepared: prepare(core, req, needs, true, meta, trace) };
}
