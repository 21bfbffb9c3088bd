// createEngine: builds the per-graph tables and carried-over state once, then serves chat and
// embeddings requests through them. This is the only routing engine; serve and simulate both use it.
import type { Engine, EngineOptions, Observer, RuntimeState, StreamCheckpoint } from "./api.ts";
import { chat } from "./flow/chat-flow.ts";
import { buildCore } from "./flow/context.ts";
import { embeddings } from "./flow/embeddings-flow.ts";
import { explainChat } from "./flow/explain.ts";

export function createEngine(opts: EngineOptions): Engine {
  const { graph } = opts;
  const core = buildCore(opts, guarded(opts.observer ?? {}));
  const { state, sticky } = core;
  const liveState = (): RuntimeState => ({ ...state, sticky: sticky.toRecord() });
  return {
    graph,
    chat: (req) => chat(core, req),
    embeddings: (req) => embeddings(core, req),
    state: liveState,
    explain: (req, o) => explainChat(opts, liveState(), req, o?.random),
    checkpoints: (): StreamCheckpoint[] => [...core.checkpoints.values()].map((c) => ({ ...c })),
  };
}

/**
 * A throwing observer (metrics, logs) must never fail or corrupt a request. The wrapper takes fixed
 * parameters (four, the most any hook has), not rest args: a rest-args wrapper allocated an array on
 * every call, several per request.
 */
function guarded(o: Observer): Observer {
  return {
    attempt: guard(o, o.attempt),
    skip: guard(o, o.skip),
    breaker: guard(o, o.breaker),
    requestDone: guard(o, o.requestDone),
  };
}

type AnyHook = (a: unknown, b: unknown, c: unknown, d: unknown) => void;

function guard<F extends (...args: never[]) => void>(o: Observer, hook: F | undefined): F | undefined {
  if (!hook) return undefined;
  const call = hook as unknown as AnyHook;
  const safe: AnyHook = (a, b, c, d) => {
    try {
      call.call(o, a, b, c, d);
    } catch {
      // observation is best effort
    }
  };
  return safe as unknown as F;
}

/** What a chat body needs (capabilities, estimated prompt tokens): the engine's own reading, for front doors that report it (count_tokens). */
export { inferChatNeeds } from "./plan/needs.ts";

/** How one attempt reads in a trail (`model:status`, or `model:class` when there was no status or a 2xx failed). */
export { attemptLabel } from "./attempt/classify.ts";

/** The one answer for a `model` the policy does not accept (did-you-mean), and the names it accepts. */
export { addressableNames, unknownModel, type Addressable } from "./plan/unknown-model.ts";
