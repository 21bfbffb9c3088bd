// createEngine: builds the per-graph tables and carried-over state once, then serves chat and
// embeddings requests through them. This is the only routing engine; serve and simulate both use it.
import type { Engine, EngineOptions, Observer, RuntimeState, StreamCheckpoint } from "./api.ts";
import { chat } from "./chat-flow.ts";
import type { Core } from "./context.ts";
import { embeddings } from "./embeddings-flow.ts";
import { adoptState } from "./runtime-state.ts";
import { StickyMap } from "./sticky-map.ts";
import { buildTables } from "./tables.ts";

/** Sticky-session entries kept (least recently used go first). */
export const STICKY_CAPACITY = 10_000;

export function createEngine(opts: EngineOptions): Engine {
  const { graph, ports, adapters } = opts;
  const observer = guarded(opts.observer ?? {});
  const state = adoptState(graph, opts.state);
  const sticky = new StickyMap(STICKY_CAPACITY, state.sticky);
  const tables = buildTables(graph, state, adapters, (key, from, to) => observer.breaker?.(key, from, to, ports.clock.now()));
  const core: Core = { ports, observer, tables, state, sticky, checkpoints: new Map() };
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
