// createEngine: builds the per-graph tables and carried-over state once, then serves chat and
// embeddings requests through them. This is the only routing engine; serve and simulate both use it.
import type { Engine, EngineOptions, Observer, RuntimeState, StreamCheckpoint } from "./api.ts";
import { chat } from "./chat-flow.ts";
import { buildCore } from "./decide.ts";
import { embeddings } from "./embeddings-flow.ts";

export { STICKY_CAPACITY } from "./decide.ts";

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

/** A throwing observer (metrics, logs) must never fail or corrupt a request. */
function guarded(o: Observer): Observer {
  const safe = <A extends unknown[]>(f: ((...args: A) => void) | undefined) =>
    f &&
    ((...args: A): void => {
      try {
        f.apply(o, args);
      } catch {
        // observation is best effort
      }
    });
  return { attempt: safe(o.attempt), skip: safe(o.skip), breaker: safe(o.breaker), requestDone: safe(o.requestDone) };
}
