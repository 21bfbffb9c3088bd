// Anthropic's streaming events → OpenAI chunks. Anthropic streams content blocks (text, thinking,
// tool_use) with typed deltas; OpenAI clients expect one role chunk, then content / tool_calls /
// reasoning deltas, a finish_reason, and (when asked) a final usage chunk. Unknown event and delta
// types are ignored, as Anthropic's versioning policy asks of clients.
import type { ChatChunk } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { inBandError } from "./errors.ts";
import { finishReason, matchedStop, prefillStripper, toUsage } from "./anthropic-response.ts";
import type { EventTranslator } from "./sse-chunks.ts";
import type { SseEvent } from "./sse.ts";

type Json = Record<string, any>;
type Delta = ChatChunk["choices"][number]["delta"];

const MAX_SKIPPED = 32;

export interface AnthropicStreamOptions {
  provider: string;
  apiKey: string | undefined;
  includeUsage: boolean;
  prefillTrimmed: string;
  nowMs: number;
}

export function anthropicTranslator(opts: AnthropicStreamOptions): EventTranslator {
  const t = new AnthropicStream(opts);
  return { onEvent: (event) => t.onEvent(event), onEnd: () => t.onEnd() };
}

const NOTHING = (): { chunks: ChatChunk[]; done: boolean } => ({ chunks: [], done: false });

/** One Anthropic stream's translation state: ids, usage so far, tool-call indexes. */
class AnthropicStream implements EventTranslator {
  #id = "";
  #model = "";
  readonly #created: number;
  #roleSent = false;
  #finished = false;
  #usageSent = false;
  #skipped = 0;
  readonly #tokens = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  readonly #toolIndex = new Map<number, number>(); // content block index → OpenAI tool_calls index
  readonly #strip: (text: string) => string;

  constructor(private readonly opts: AnthropicStreamOptions) {
    this.#created = Math.floor(opts.nowMs / 1000);
    this.#strip = prefillStripper(opts.prefillTrimmed);
  }

  onEvent(event: SseEvent): { chunks: ChatChunk[]; done: boolean } {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      if (++this.#skipped > MAX_SKIPPED)
        throw new UpstreamError(
          "malformed",
          `provider \`${this.opts.provider}\` sent ${this.#skipped} events that are not JSON`,
        );
      return NOTHING();
    }
    if (data === null || typeof data !== "object") return NOTHING();
    const json = data as Json;
    if (typeof json.type !== "string" && event.event) json.type = event.event;
    const out = this.#handle(json);
    if (out.done && !this.#finished)
      throw new UpstreamError("cut", `provider \`${this.opts.provider}\` stopped the message without a stop reason`);
    return out;
  }

  onEnd(): ChatChunk[] {
    if (this.#finished) return this.#usageChunk();
    throw new UpstreamError("cut", `provider \`${this.opts.provider}\` ended the stream before it finished`);
  }

  #handle(data: Json): { chunks: ChatChunk[]; done: boolean } {
    switch (data.type) {
      case "message_start":
        return { chunks: this.#messageStart((data.message ?? {}) as Json), done: false };
      case "content_block_start":
        return {
          chunks: this.#withRole(this.#blockStart(Number(data.index), (data.content_block ?? {}) as Json)),
          done: false,
        };
      case "content_block_delta":
        return {
          chunks: this.#withRole(this.#blockDelta(Number(data.index), (data.delta ?? {}) as Json)),
          done: false,
        };
      case "message_delta":
        return { chunks: this.#messageDelta(data), done: false };
      case "message_stop":
        return { chunks: this.#finished ? this.#usageChunk() : [], done: true };
      case "error":
        throw inBandError(this.opts.provider, data, this.opts.apiKey);
      default:
        return NOTHING(); // ping, content_block_stop, and types added later
    }
  }

  #messageStart(message: Json): ChatChunk[] {
    this.#id = typeof message.id === "string" ? message.id : this.#id;
    this.#model = typeof message.model === "string" ? message.model : this.#model;
    this.#takeUsage(message.usage);
    if (this.#roleSent) return [];
    this.#roleSent = true;
    return [this.#chunk({ role: "assistant", content: "" })];
  }

  #messageDelta(data: Json): ChatChunk[] {
    this.#takeUsage(data.usage);
    const delta = (data.delta ?? {}) as Json;
    const reason = finishReason(delta.stop_reason);
    if (!reason) return [];
    this.#finished = true;
    const end = this.#chunk({}, reason);
    Object.assign(end.choices[0]!, matchedStop(delta.stop_sequence));
    return this.#withRole([end]);
  }

  #chunk(delta: Delta, finish: string | null = null): ChatChunk {
    return {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.#created,
      model: this.#model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  #withRole(out: ChatChunk[]): ChatChunk[] {
    if (!this.#roleSent && out.length > 0) {
      this.#roleSent = true;
      out.unshift(this.#chunk({ role: "assistant", content: "" }));
    }
    return out;
  }

  #usageChunk(): ChatChunk[] {
    if (!this.opts.includeUsage || this.#usageSent) return [];
    this.#usageSent = true;
    const t = this.#tokens;
    return [
      {
        id: this.#id,
        object: "chat.completion.chunk",
        created: this.#created,
        model: this.#model,
        choices: [],
        usage: toUsage(t.input, t.cacheRead, t.cacheWrite, t.output),
      },
    ];
  }

  #takeUsage(usage: Json | undefined): void {
    if (!usage) return;
    const t = this.#tokens;
    if (typeof usage.input_tokens === "number") t.input = usage.input_tokens;
    if (typeof usage.cache_read_input_tokens === "number") t.cacheRead = usage.cache_read_input_tokens;
    if (typeof usage.cache_creation_input_tokens === "number") t.cacheWrite = usage.cache_creation_input_tokens;
    if (typeof usage.output_tokens === "number") t.output = usage.output_tokens; // cumulative, not a delta
  }

  #text(value: unknown): ChatChunk[] {
    const piece = typeof value === "string" ? this.#strip(value) : "";
    return piece ? [this.#chunk({ content: piece })] : [];
  }

  #blockStart(index: number, block: Json): ChatChunk[] {
    if (block.type === "text") return this.#text(block.text);
    if (block.type === "thinking" && block.thinking) return [this.#chunk({ reasoning_content: block.thinking })];
    if (block.type === "redacted_thinking" && typeof block.data === "string")
      return [this.#chunk({ thinking_blocks: [{ type: "redacted_thinking", data: block.data }] })];
    if (block.type !== "tool_use") return [];
    const n = this.#toolIndex.size;
    this.#toolIndex.set(index, n);
    const call = { index: n, id: block.id, type: "function", function: { name: block.name, arguments: "" } };
    return [this.#chunk({ tool_calls: [call] })];
  }

  #blockDelta(index: number, delta: Json): ChatChunk[] {
    if (delta.type === "text_delta") return this.#text(delta.text);
    if (delta.type === "thinking_delta")
      return delta.thinking ? [this.#chunk({ reasoning_content: delta.thinking })] : [];
    if (delta.type === "input_json_delta") {
      const n = this.#toolIndex.get(index);
      if (n === undefined || !delta.partial_json) return [];
      return [this.#chunk({ tool_calls: [{ index: n, function: { arguments: delta.partial_json } }] })];
    }
    if (delta.type === "signature_delta" && typeof delta.signature === "string" && delta.signature)
      // closes the thinking streamed before it; the client must send it back signed in a tool loop
      return [this.#chunk({ thinking_blocks: [{ type: "thinking", thinking: "", signature: delta.signature }] })];
    return []; // citations_delta and types added later: nothing an OpenAI client can use
  }
}
