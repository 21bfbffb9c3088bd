// The adapter set a simulation hands the engine: the simulated provider adapter for every
// provider kind, so a policy written for real OpenAI/Anthropic upstreams runs unchanged. A thin
// wrapper tells the behaviour which request an attempt belongs to (by its forwarded request id),
// so each reply has the length the scenario drew for that request.
import { createSimulatedAdapter } from "../providers/index.ts";
import type { AdapterSet, ProviderAdapter, UpstreamCall } from "../runtime/upstream.ts";
import { PROVIDER_KINDS } from "../syntax/vocabulary.ts";
import type { CallShape, UpstreamBehaviour } from "./upstream-behaviour.ts";

/**
 * Where an in-process simulation puts a request's reply length: on its body under this symbol. The
 * engine's body copies (`{ ...body }`) carry it to every attempt and continuation, it never
 * serialises, and it spares a Map entry keyed by request id per request, whose insert and delete
 * were about 4% of a simulated request. Requests that arrive as JSON (a live comparison run) are
 * registered with `expect` instead.
 */
export const CALL_SHAPE: unique symbol = Symbol("switchyard.sim.call-shape");

export interface SimAdapters {
  adapters: AdapterSet;
  /** Registers a request's reply length before it reaches the engine; forget it when done. */
  expect(requestId: string, outputTokens: number, promptTokens: number): void;
  forget(requestId: string): void;
}

export interface SimAdapterOptions {
  /** Reply length for a call whose request was not registered with `expect`. */
  defaultOutputTokens?: number;
  /** Shortest virtual gap between stream chunks (see SimBehaviour.chunkMs); absent: per token. */
  chunkMs?: number;
}

export function simulatedAdapters(behaviour: UpstreamBehaviour, options: SimAdapterOptions = {}): SimAdapters {
  const shapes = new Map<string, CallShape>();
  const fallback: CallShape = { outputTokens: options.defaultOutputTokens ?? 200, promptTokens: 0 };
  const chunkMs = options.chunkMs;
  let current: CallShape = fallback;
  const inner = createSimulatedAdapter((model, provider, now) => {
    const b = behaviour.decide(model, provider, now, current);
    if (chunkMs !== undefined) b.chunkMs = chunkMs;
    return b;
  });
  const shapeOf = (call: UpstreamCall): CallShape => {
    const carried = (call.body as { [CALL_SHAPE]?: CallShape })[CALL_SHAPE];
    if (carried !== undefined) return carried;
    const id = call.headers["x-request-id"];
    return (id !== undefined ? shapes.get(id) : undefined) ?? fallback;
  };
  // The inner adapter asks for the behaviour synchronously, before its first await, so `current`
  // is still this call's shape when it does.
  const adapter: ProviderAdapter = {
    // the simulated adapter only reads the signal's state and listens for `abort`
    lightSignal: true,
    chat(call, ports) {
      current = shapeOf(call);
      try {
        return inner.chat(call, ports);
      } finally {
        current = fallback;
      }
    },
    embeddings(call, ports) {
      current = shapeOf(call);
      try {
        return inner.embeddings(call, ports);
      } finally {
        current = fallback;
      }
    },
  };
  const adapters: AdapterSet = {};
  for (const kind of PROVIDER_KINDS) adapters[kind] = adapter;
  return {
    adapters,
    expect: (id, outputTokens, promptTokens) => void shapes.set(id, { outputTokens, promptTokens }),
    forget: (id) => void shapes.delete(id),
  };
}
