// `Engine.explain`: the chat decision for one request, recorded step by step by the decision code
// the request path runs (decideChat with a tracer), on a copy of the live state so that explaining
// moves no round-robin cursor, sticky entry, metric or breaker of the serving engine. A request that
// asks for its decision (`trace`, the gateway's debug flag) gets the same trace, from the same code.
import { maskToCaps } from "../../syntax/vocabulary.ts";
import type { ChatRequest, DecisionTrace, EngineOptions, RuntimeState } from "../api.ts";
import type { Random } from "../ports.ts";
import { decideChat } from "../plan/decide.ts";
import type { RequestNeeds } from "../plan/needs.ts";
import type { Prepared } from "../plan/request-plan.ts";
import { DecisionTracer } from "../plan/trace.ts";
import { buildCore } from "./context.ts";
import { allFailed } from "./errors.ts";

export function explainChat(opts: EngineOptions, live: RuntimeState, req: ChatRequest, random?: Random): DecisionTrace {
  const ports = random === undefined ? opts.ports : { ...opts.ports, random };
  // buildCore copies the state records (adoptState), so the live ones are only read
  const core = buildCore({ ...opts, ports, state: live }, {});
  const tracer = new DecisionTracer(req.route, req.key ?? null);
  const { needs, prepared } = decideChat(core, req, tracer);
  return completeTrace(tracer, needs, prepared);
}

/** A tracer for a request that asked for its decision; undefined (no tracer, no cost) otherwise. */
export function tracerFor(req: { route: string; key?: string | null; trace?: boolean }): DecisionTracer | undefined {
  return req.trace === true ? new DecisionTracer(req.route, req.key ?? null) : undefined;
}

/** The trace once the decision is made: what the request needs, and the model chosen or the refusal. */
export function completeTrace(tracer: DecisionTracer, needs: RequestNeeds, prepared: Prepared): DecisionTrace {
  const trace = tracer.trace;
  trace.needs = {
    caps: maskToCaps(needs.mask),
    promptTokens: needs.promptTokens,
    maxTokens: needs.maxTokens,
    stream: needs.stream,
  };
  if (!prepared.ok) {
    trace.refused = { status: prepared.answer.status, message: prepared.answer.error.error.message };
  } else if (prepared.viable.length === 0) {
    const answer = allFailed(prepared.ctx);
    trace.refused = { status: answer.status, message: answer.error.error.message };
  } else {
    trace.chosen = prepared.viable[0]!.name;
  }
  return trace;
}
