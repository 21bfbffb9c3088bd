// Anthropic Messages reply → OpenAI chat.completion, plus the small mappings (stop reasons, usage,
// prefill whitespace) that the streaming translation shares.
import * as v from "valibot";
import type { ChatCompletion, ThinkingBlock, Usage } from "../runtime/upstream.ts";

const STOP_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function finishReason(stopReason: string | null | undefined): string | null {
  if (stopReason == null) return null;
  return STOP_REASONS[stopReason] ?? "stop";
}

export const AnthropicUsage = v.looseObject({
  input_tokens: v.nullish(v.number()),
  output_tokens: v.nullish(v.number()),
  cache_creation_input_tokens: v.nullish(v.number()),
  cache_read_input_tokens: v.nullish(v.number()),
});
export type AnthropicUsage = v.InferOutput<typeof AnthropicUsage>;

/** OpenAI counts cached prompt tokens inside prompt_tokens; Anthropic reports them apart. */
export function toUsage(input: number, cacheRead: number, cacheWrite: number, output: number): Usage {
  const prompt = input + cacheRead + cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    ...(cacheRead ? { prompt_tokens_details: { cached_tokens: cacheRead } } : {}),
  };
}

/**
 * Undoes the whitespace we cut from a prefill: the client already has it, so the reply's first
 * text must not repeat it. Feed text pieces in order; whitespace is stripped only while it matches.
 */
export function prefillStripper(trimmed: string): (text: string) => string {
  let pending = trimmed;
  return (text) => {
    if (!pending) return text;
    let i = 0;
    while (i < pending.length && i < text.length && text[i] === pending[i]) i++;
    pending = i === text.length ? pending.slice(i) : "";
    return text.slice(i);
  };
}

/**
 * Which stop sequence ended the reply, as `stop_reason` on the choice (vLLM's field for it): chat
 * has no standard place, and the /v1/messages front door reports it back as `stop_sequence`.
 */
export function matchedStop(sequence: unknown): { stop_reason?: string } {
  return typeof sequence === "string" && sequence ? { stop_reason: sequence } : {};
}

const Block = v.looseObject({ type: v.string() });
const Message = v.looseObject({
  id: v.optional(v.string(), ""),
  model: v.optional(v.string(), ""),
  content: v.array(Block),
  stop_reason: v.nullish(v.string()),
  stop_sequence: v.nullish(v.string()),
  usage: v.optional(AnthropicUsage, {}),
});

export function fromAnthropicMessage(value: unknown, prefillTrimmed: string, nowMs: number): ChatCompletion | null {
  const parsed = v.safeParse(Message, value);
  if (!parsed.success) return null;
  const message = parsed.output;
  const strip = prefillStripper(prefillTrimmed);
  let text = "";
  let reasoning = "";
  const toolCalls: unknown[] = [];
  const thinking: ThinkingBlock[] = []; // signed and redacted, whole, for clients that send them back
  for (const block of message.content) {
    if (block.type === "text" && typeof block.text === "string") text += strip(block.text);
    else if (block.type === "thinking" && typeof block.thinking === "string") {
      reasoning += block.thinking;
      const signature = typeof block.signature === "string" ? block.signature : "";
      thinking.push({ type: "thinking", thinking: block.thinking, signature });
    } else if (block.type === "redacted_thinking" && typeof block.data === "string")
      thinking.push({ type: "redacted_thinking", data: block.data });
    else if (block.type === "tool_use") {
      toolCalls.push({
        id: block.id,
        type: "function",
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const u = message.usage;
  return {
    id: message.id,
    object: "chat.completion",
    created: Math.floor(nowMs / 1000),
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text || (toolCalls.length ? null : ""),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(thinking.length ? { thinking_blocks: thinking } : {}),
        },
        finish_reason: finishReason(message.stop_reason),
        ...matchedStop(message.stop_sequence),
      },
    ],
    usage: toUsage(
      u.input_tokens ?? 0,
      u.cache_read_input_tokens ?? 0,
      u.cache_creation_input_tokens ?? 0,
      u.output_tokens ?? 0,
    ),
  };
}
