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
      /** Signed or redacted reasoning to hand back to the client as is (see `ThinkingBlock`). */
      thinking_blocks?: ThinkingBlock[];
    };
    finish_reason?: string | null;
    logprobs?: unknown;
  }[];
  usage?: Usage | null;
  /**
   * The upstream's own JSON text of this chunk, set by an adapter that parsed it from one SSE data
   * line, so a chunk the engine passes on unchanged is written without `JSON.stringify`. Valid only
   * for the object it was made for (`RawJson.textFor`): a copy of the chunk carries the field but
   * not the text, and JSON serialisation skips it.
   */
  raw?: RawJson;
  [extra: string]: unknown;
}

/** Rewrites a chunk's JSON text for a new model name; null when it cannot be done safely. */
export type Respell = (text: string, from: unknown, to: string) => string | null;

/**
 * A chunk's JSON text, owned by the one chunk object it was made for. Whoever copies a chunk to
 * change it gets a copy whose `raw` no longer applies (`textFor(copy)` is undefined), so changed
 * chunks can never go out with the upstream's old bytes.
 */
export class RawJson {
  /** A model-name rewrite not applied yet: done when the text is read, as most dialect writers never read it. */
  #respell: Respell | null = null;
  #from: unknown = undefined;
  #to = "";
  /** The rewrite failed: the text no longer stands for the chunk. */
  #stale = false;

  constructor(
    /** The JSON text as the upstream sent it. */
    private text: string,
    private readonly owner: object,
  ) {}

  /** Whether this is `chunk`'s own text (not a copy's). */
  owns(chunk: object): boolean {
    return chunk === this.owner;
  }

  /**
   * The owner's `model` changes from `from` to `to`: `respell` makes the text say so when it is
   * read; if it cannot, the text stops applying and the chunk is serialised instead.
   */
  renameModel(respell: Respell, from: unknown, to: string): void {
    this.#respell = respell;
    this.#from = from;
    this.#to = to;
  }

  /** The text when `chunk` is the object it was made for (and its text still stands for it), else undefined. */
  textFor(chunk: object): string | undefined {
    if (chunk !== this.owner) return undefined;
    const respell = this.#respell;
    if (respell !== null) {
      this.#respell = null;
      const text = respell(this.text, this.#from, this.#to);
      if (text === null) this.#stale = true;
      else this.text = text;
    }
    return this.#stale ? undefined : this.text;
  }

  /** Never part of a serialised chunk. */
  toJSON(): undefined {
    return undefined;
  }
}

/** The raw text of a chunk that is still the object its text was made for. */
export function rawTextOf(chunk: ChatChunk): string | undefined {
  const raw = chunk.raw;
  return raw instanceof RawJson ? raw.textFor(chunk) : undefined;
}

/**
 * Reasoning state an upstream signs or encrypts (Anthropic's thinking signatures and redacted
 * thinking), which the client must send back unchanged in a tool loop. Chat carries it as
 * `thinking_blocks` (on a delta: a signature closes the thinking text streamed before it as
 * `reasoning_content`; on a message: every block whole), the field LiteLLM uses for it.
 */
export type ThinkingBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string };

/** A well-formed ThinkingBlock: upstream replies are untrusted, and a dialect writer renders only these. */
export function isThinkingBlock(value: unknown): value is ThinkingBlock {
  if (typeof value !== "object" || value === null) return false;
  const block = value as Record<string, unknown>;
  if (block.type === "redacted_thinking") return typeof block.data === "string";
  return block.type === "thinking" && typeof block.thinking === "string" && typeof block.signature === "string";
}

/** The API dialects a client may speak natively to an upstream of the same kind. */
export type NativeDialect = "anthropic-messages";

/**
 * The client's own request in its dialect, validated by the front door, carried beside the engine's
 * dialect-free chat body. The engine never reads it; it hands it to an attempt whose chat body is
 * the request's own (not a continuation), and an adapter speaking `dialect` may send it (with its
 * own `model` and `stream`) instead of translating the chat body, so provider features the chat
 * shape has no form for (cache_control, signed thinking blocks) survive. Other adapters ignore it.
 */
export interface NativeRequest {
  readonly dialect: NativeDialect;
  readonly body: Readonly<Record<string, unknown>>;
  /** The dialect's own request headers the client sent (e.g. `anthropic-beta`), for the same adapter to forward. */
  readonly headers: Readonly<Record<string, string>>;
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
    message: {
      role: string;
      content: string | null;
      tool_calls?: unknown[];
      refusal?: string | null;
      thinking_blocks?: ThinkingBlock[];
    };
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
  /** The request in the client's own dialect, when this attempt's body is the request's own; else absent. */
  native?: NativeRequest;
  /** Aborted on timeout, failover or client disconnect: the adapter must release the connection. */
  signal: AbortSignal;
}

/**
 * A stream reply's chunks: parsed chunks from `next()`, which throws UpstreamError on a cut, in-band
 * error or malformed data.
 */
export interface ChunkStream extends AsyncIterator<ChatChunk> {
  /**
   * Optional: the next chunk when it is already parsed from what the upstream sent (most reads
   * carry several events), taken without a promise each; undefined when `next()` must be awaited.
   * Chunks only: errors and the end still come through `next()`.
   */
  takeQueued?(): ChatChunk | undefined;
  /**
   * Optional, with `takeQueued`: true once nothing is queued and `next()` settles at once with the
   * end (or an error) without waiting on the upstream, so a finished answer is known to be complete
   * without a promise (and its stream can be written as one body).
   */
  ended?(): boolean;
}

/** Chunks that are all in memory (a whole reply replayed as a stream), as a ChunkStream that never waits. */
export class ChunkList implements ChunkStream {
  #next = 0;
  constructor(private readonly chunks: ChatChunk[]) {}
  takeQueued(): ChatChunk | undefined {
    return this.#next < this.chunks.length ? this.chunks[this.#next++] : undefined;
  }
  ended(): boolean {
    return this.#next >= this.chunks.length;
  }
  async next(): Promise<IteratorResult<ChatChunk>> {
    const chunk = this.takeQueued();
    return chunk === undefined ? { value: undefined, done: true } : { value: chunk, done: false };
  }
  async return(): Promise<IteratorResult<ChatChunk>> {
    this.#next = this.chunks.length;
    return { value: undefined, done: true };
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

export type UpstreamReply =
  | { kind: "completion"; status: number; body: ChatCompletion }
  | { kind: "stream"; status: number; chunks: ChunkStream };

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
