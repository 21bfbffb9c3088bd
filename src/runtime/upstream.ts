// The contract between the engine and provider adapters (src/providers implements it). Adapters
// speak their wire format and hand the engine OpenAI-shaped completions and chunks; the engine
// owns timeouts, retries, breakers and failover.
import type { FailureClass } from "../syntax/vocabulary.ts";
import type { ModelNode, ProviderNode } from "../compile/graph.ts";
import type { Ports } from "./ports.ts";

/** An OpenAI chat.completion.chunk (validated loosely; the engine reads only what it needs). */
export interface ChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices: {
    index: number;
    delta: {
      role?: string;
      content?: string | null;
      reasoning_content?: string | null;
      tool_calls?: unknown[];
      refusal?: string | null;
    };
    finish_reason?: string | null;
    logprobs?: unknown;
  }[];
  usage?: Usage | null;
  [extra: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [extra: string]: unknown;
}

/** An OpenAI chat.completion (non-stream). */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: string; content: string | null; tool_calls?: unknown[]; refusal?: string | null };
    finish_reason: string | null;
    logprobs?: unknown;
  }[];
  usage?: Usage;
  [extra: string]: unknown;
}

export interface UpstreamCall {
  provider: ProviderNode;
  model: ModelNode;
  /** OpenAI-shaped chat body: `model` already set to the upstream name, continuation applied. */
  body: Record<string, unknown>;
  stream: boolean;
  /** Resolved key value (never logged) or undefined. */
  apiKey: string | undefined;
  /** Headers to forward upstream (e.g. x-request-id). */
  headers: Record<string, string>;
  /** Aborted on timeout, failover or client disconnect: the adapter must release the connection. */
  signal: AbortSignal;
}

export type UpstreamReply =
  | { kind: "completion"; status: number; body: ChatCompletion }
  /** `chunks` yields parsed chunks; it throws UpstreamError on a cut, in-band error or malformed data. */
  | { kind: "stream"; status: number; chunks: AsyncIterator<ChatChunk> };

export interface EmbeddingsReply {
  status: number;
  body: Record<string, unknown>;
}

/** A classified upstream failure. Adapters throw it; the engine decides what to do. */
export class UpstreamError extends Error {
  constructor(
    readonly cls: FailureClass,
    message: string,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
    /** Provider's error code, e.g. `context_length_exceeded`. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

/**
 * A failure of the gateway's own making while preparing or handling an attempt (the upstream body
 * cannot be serialised, an adapter bug): the provider never saw a byte, so it must never count
 * against its breakers nor be retried as if the provider had failed.
 */
export class GatewayFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayFault";
  }
}

export interface ProviderAdapter {
  /**
   * Set when the adapter only reads `aborted` and `reason` of `call.signal` and listens for its
   * `abort` event, never handing it to fetch or another platform API: the engine may then pass a
   * lightweight stand-in instead of a real AbortSignal (the simulator's adapters do).
   */
  readonly lightSignal?: boolean;
  chat(call: UpstreamCall, ports: Ports): Promise<UpstreamReply>;
  embeddings(call: UpstreamCall, ports: Ports): Promise<EmbeddingsReply>;
}

/** Adapters by provider kind; simulate swaps in simulated behaviour for every kind. */
export type AdapterSet = Record<string, ProviderAdapter>;

// Fast-path contracts on chunks, exported here so adapters and the server reach no engine
// internals. They are side channels the types above do not show yet; a later step declares each
// one in the types (issue 10) and these re-exports go.

/** Fast-path contract (to be declared in the types): the upstream's own JSON text of a chunk, written to the client as is. */
export { rawJsonOf } from "./stream/chunks.ts";
/** Fast-path contract (to be declared in the types): an adapter records a chunk's JSON text; whoever changes a copy clears it. */
export { setRawJson } from "./stream/chunks.ts";
/** Fast-path contract (to be declared in the types): a chunk iterator's synchronous `takeQueued`, duck-typed today. */
export type { QueuedChunks } from "./stream/chunks.ts";
