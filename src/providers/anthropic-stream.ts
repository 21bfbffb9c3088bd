// Anthropic's streaming events → OpenAI chunks. Anthropic streams content blocks (text, thinking,
// tool_use) with typed deltas; OpenAI clients expect one role chunk, then content / tool_calls /
// reasoning deltas, a finish_reason, and (when asked) a final usage chunk. Unknown event and delta
// types are ignored, as Anthropic's versioning policy asks of clients.
import type { ChatChunk } from "../runtime/upstream.ts";
import { UpstreamError } from "../runtime/upstream.ts";
import { inBandError } from "./errors.ts";
import { finishReason, matchedStop, prefillStripper, toUsage } from "./anthropic-response.ts";
import type { EventTranslator } from "./sse-chunks.ts";

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
  let id = "";
  let model = "";
  const created = Math.floor(opts.nowMs / 1000);
  let roleSent = false;
  let finished = false;
  let usageSent = false;
  let skipped = 0;
  const tokens = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  const toolIndex = new Map<number, number>(); // content block index → OpenAI tool_calls index
  const strip = prefillStripper(opts.prefillTrimmed);

  const chunk = (delta: Delta, finish: string | null = null): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const withRole = (out: ChatChunk[]): ChatChunk[] => {
    if (!roleSent && out.length > 0) {
      roleSent = true;
      out.unshift(chunk({ role: "assistant", content: "" }));
    }
    return out;
  };
  const usageChunk = (): ChatChunk[] => {
    if (!opts.includeUsage || usageSent) return [];
    usageSent = true;
    return [{ id, object: "chat.completion.chunk", created, model, choices: [], usage: toUsage(tokens.input, tokens.cacheRead, tokens.cacheWrite, tokens.output) }];
  };
  const takeUsage = (usage: Json | undefined): void => {
    if (!usage) return;
    if (typeof usage.input_tokens === "number") tokens.input = usage.input_tokens;
    if (typeof usage.cache_read_input_tokens === "number") tokens.cacheRead = usage.cache_read_input_tokens;
    if (typeof usage.cache_creation_input_tokens === "number") tokens.cacheWrite = usage.cache_creation_input_tokens;
    if (typeof usage.output_tokens === "number") tokens.output = usage.output_tokens; // cumulative, not a delta
  };
  const text = (value: unknown): ChatChunk[] => {
    const piece = typeof value === "string" ? strip(value) : "";
    return piece ? [chunk({ content: piece })] : [];
  };

  const blockStart = (index: number, block: Json): ChatChunk[] => {
    if (block.type === "text") return text(block.text);
    if (block.type === "thinking" && block.thinking) return [chunk({ reasoning_content: block.thinking })];
    if (block.type !== "tool_use") return [];
    const n = toolIndex.size;
    toolIndex.set(index, n);
    const call = { index: n, id: block.id, type: "function", function: { name: block.name, arguments: "" } };
    return [chunk({ tool_calls: [call] })];
  };

  const blockDelta = (index: number, delta: Json): ChatChunk[] => {
    if (delta.type === "text_delta") return text(delta.text);
    if (delta.type === "thinking_delta") return delta.thinking ? [chunk({ reasoning_content: delta.thinking })] : [];
    if (delta.type === "input_json_delta") {
      const n = toolIndex.get(index);
      if (n === undefined || !delta.partial_json) return [];
      return [chunk({ tool_calls: [{ index: n, function: { arguments: delta.partial_json } }] })];
    }
    return []; // signature_delta, citations_delta: nothing an OpenAI client can use
  };

  const handle = (data: Json): { chunks: ChatChunk[]; done: boolean } => {
    switch (data.type) {
      case "message_start": {
        const message = (data.message ?? {}) as Json;
        id = typeof message.id === "string" ? message.id : id;
        model = typeof message.model === "string" ? message.model : model;
        takeUsage(message.usage);
        if (roleSent) return { chunks: [], done: false };
        roleSent = true;
        return { chunks: [chunk({ role: "assistant", content: "" })], done: false };
      }
      case "content_block_start":
        return { chunks: withRole(blockStart(Number(data.index), (data.content_block ?? {}) as Json)), done: false };
      case "content_block_delta":
        return { chunks: withRole(blockDelta(Number(data.index), (data.delta ?? {}) as Json)), done: false };
      case "message_delta": {
        takeUsage(data.usage);
        const delta = (data.delta ?? {}) as Json;
        const reason = finishReason(delta.stop_reason);
        if (!reason) return { chunks: [], done: false };
        finished = true;
        const end = chunk({}, reason);
        Object.assign(end.choices[0], matchedStop(delta.stop_sequence));
        return { chunks: withRole([end]), done: false };
      }
      case "message_stop":
        return { chunks: finished ? usageChunk() : [], done: true };
      case "error":
        throw inBandError(opts.provider, data, opts.apiKey);
      default:
        return { chunks: [], done: false }; // ping, content_block_stop, and types added later
    }
  };

  return {
    onEvent(event) {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        if (++skipped > MAX_SKIPPED) throw new UpstreamError("malformed", `provider \`${opts.provider}\` sent ${skipped} events that are not JSON`);
        return { chunks: [], done: false };
      }
      if (data === null || typeof data !== "object") return { chunks: [], done: false };
      const json = data as Json;
      if (typeof json.type !== "string" && event.event) json.type = event.event;
      const out = handle(json);
      if (out.done && !finished) throw new UpstreamError("cut", `provider \`${opts.provider}\` stopped the message without a stop reason`);
      return out;
    },
    onEnd() {
      if (finished) return usageChunk();
      throw new UpstreamError("cut", `provider \`${opts.provider}\` ended the stream before it finished`);
    },
  };
}
