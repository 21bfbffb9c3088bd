// The adapter set a simulation hands the engine: the simulated provider adapter for every
// provider kind, so a policy written for real OpenAI/Anthropic upstreams runs unchanged. A thin
// wrapper tells the behaviour which request an attempt belongs to (by its forwarded request id,
// registered with `expect`), so each reply has the length the scenario drew for that request.
import { createSimulatedAdapter } from "../providers/index.ts";
import type { AdapterSet, ProviderAdapter } from "../runtime/upstream.ts";
import { PROVIDER_KINDS } from "../syntax/vocabulary.ts";
import type { CallShape, UpstreamSource } from "./upstream-behaviour.ts";

export interface SimAdapters {
  adapters: AdapterSet;
  /** Registers a request's reply length (by request id) before it reaches the engine; forget it when done. */
  expect(requestId: string, outputTokens: number, promptTokens: number): void;
  forget(requestId: string): void;
}

export interface SimAdapterOptions {
  /** Reply length for a call whose request was not registered with `expect`. */
  defaultOutputTokens?: number;
  /** Shortest virtual gap between stream chunks (see SimBehaviour.chunkMs); absent: per token. */
  chunkMs?: number;
}

export function simulatedAdapters(behaviour: UpstreamSource, options: SimAdapterOptions = {}): SimAdapters {
  const shapes = new Map<string, CallShape>();
  const fallback: CallShape = { outputTokens: options.defaultOutputTokens ?? 200, promptTokens: 0 };
  const chunkMs = options.chunkMs;
  const inner = createSimulatedAdapter((model, provider, now, _random, call) => {
    const id = call.headers["x-request-id"];
    const shape = (id !== undefined ? shapes.get(id) : undefined) ?? fallback;
    const b = behaviour.decide(model, provider, now, shape, id);
    if (chunkMs !== undefined) b.chunkMs = chunkMs;
    return b;
  });
  // the simulated adapter only reads the signal's state and listens for `abort`
  const adapter: ProviderAdapter = { chat: inner.chat, embeddings: inner.embeddings, lightSignal: true };
  const adapters: AdapterSet = {};
  for (const kind of PROVIDER_KINDS) adapters[kind] = adapter;
  return {
    adapters,
    expect: (id, outputTokens, promptTokens) => void shapes.set(id, { outputTokens, promptTokens }),
    forget: (id) => {
      shapes.delete(id);
      behaviour.forget?.(id);
    },
  };
}
