// `Engine.explain`: the chat decision for one request, recorded step by step by the decision code
// the request path runs (decideChat with a tracer), on a copy of the live state so that explaining
// moves no round-robin cursor, sticky entry, metric or breaker of the serving engine.
import { maskToCaps } from "../../syntax/vocabulary.ts";
import type { ChatRequest, DecisionTrace, EngineOptions, RuntimeState } from "../api.ts";
import type { Random } from "../ports.ts";
import { decideChat } from "../plan/decide.ts";
import { DecisionTracer } from "../plan/trace.ts";
import { buildCore } from "./context.ts";
import { allFailed } from "./errors.ts";

export function explainChat(opts: EngineOptions, live: RuntimeState, req: ChatRequest, random?: Random): DecisionTrace {
  const ports = random === undefined ? opts.ports : { ...opts.ports, random };
  // buildCore copies the state records (adoptState), so the live ones are only read
  const core = buildCore({ ...opts, ports, state: live }, {});
  const tracer = new DecisionTracer(req.route);
  const { needs, prepared } = decideChat(core, req, tracer);
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
