// createEngine: builds the per-graph tables and carried-over state once, then serves chat and
// embeddings requests through them. This is the only routing engine; serve and simulate both use it.
import type { Engine, EngineOptions, Observer, RuntimeState, StreamCheckpoint } from "./api.ts";
import { chat } from "./flow/chat-flow.ts";
import { buildCore } from "./flow/context.ts";
import { embeddings } from "./flow/embeddings-flow.ts";

export function createEngine(opts: EngineOptions): Engine {
  const { graph } = opts;
  const core = buildCore(opts, guarded(opts.observer ?? {}));
  const { state, sticky } = core;
  return {
    graph,
    chat: (req) => chat(core, req),
    embeddings: (req) => embeddings(core, req),
    state: (): RuntimeState => ({ ...state, sticky: sticky.toRecord() }),
    checkpoints: (): StreamCheckpoint[] => [...core.checkpoints.values()].map((c) => ({ ...c })),
  };
}

/**
 * A throwing observer (metrics, logs) must never fail or corrupt a request. One wrapper per hook
 * with its exact parameters: a rest-args wrapper allocated an array on every call, several per request.
 */
function guarded(o: Observer): Observer {
  const { attempt, skip, breaker, requestDone } = o;
  return {
    attempt:
      attempt &&
      ((meta, record) => {
        try {
          attempt.call(o, meta, record);
        } catch {
          // observation is best effort
        }
      }),
    skip:
      skip &&
      ((meta, record) => {
        try {
          skip.call(o, meta, record);
        } catch {
          // observation is best effort
        }
      }),
    breaker:
      breaker &&
      ((model, from, to, at) => {
        try {
          breaker.call(o, model, from, to, at);
        } catch {
          // observation is best effort
        }
      }),
    requestDone:
      requestDone &&
      ((meta) => {
        try {
          requestDone.call(o, meta);
        } catch {
          // observation is best effort
        }
      }),
  };
}
