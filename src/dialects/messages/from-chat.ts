// The engine's answer (an OpenAI chat completion) → an Anthropic Message, plus the mappings the
// stream translation shares: finish_reason → stop_reason and usage. Tool-call arguments are JSON
// text in chat and an object in Messages.
import { type ChatCompletion, isThinkingBlock, type Usage } from "../../runtime/upstream.ts";

type Json = Record<string, unknown>;

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
}

const STOP_REASONS: Record<string, StopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "refusal",
};

export interface StopInfo {
  stop_reason: StopReason;
  stop_sequence: string | null;
}

/**
 * Chat says only `stop`; which stop sequence matched is known when the upstream reports it as
 * `stop_reason` on the choice (vLLM does), and is then checked against the ones the client sent.
 */
export function stopInfo(finish: unknown, matched: unknown, stopSequences: readonly string[]): StopInfo {
  if (finish === "stop" && typeof matched === "string" && stopSequences.includes(matched))
    return { stop_reason: "stop_sequence", stop_sequence: matched };
  const reason = typeof finish === "string" ? STOP_REASONS[finish] : undefined;
  return { stop_reason: reason ?? "end_turn", stop_sequence: null };
}

/** Anthropic counts cache reads apart from input_tokens; chat counts them inside prompt_tokens. */
export function anthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const details = usage.prompt_tokens_details as { cached_tokens?: unknown } | undefined;
  const cached = typeof details?.cached_tokens === "number" ? details.cached_tokens : 0;
  const out: AnthropicUsage = {
    input_tokens: Math.max(0, usage.prompt_tokens - cached),
    output_tokens: usage.completion_tokens,
  };
  if (cached > 0) out.cache_read_input_tokens = cached;
  return out;
}

/** Tool input must be an object; arguments that do not parse to one are kept under `_raw` rather than lost. */
export function toolInput(args: unknown): Json {
  if (typeof args !== "string" || args.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through
  }
  return { _raw: args };
}

/** Thinking as blocks: the upstream's own (signed, redacted) when it sent them, else the reasoning text unsigned. */
function thinkingBlocks(message: Json): Json[] {
  const signed = Array.isArray(message.thinking_blocks) ? message.thinking_blocks.filter(isThinkingBlock) : [];
  if (signed.length > 0) return signed.map((block) => ({ ...block }));
  if (typeof message.reasoning_content === "string" && message.reasoning_content)
    return [{ type: "thinking", thinking: message.reasoning_content, signature: "" }];
  return [];
}

function contentBlocks(message: Json): Json[] {
  const blocks: Json[] = thinkingBlocks(message);
  if (typeof message.content === "string" && message.content) blocks.push({ type: "text", text: message.content });
  for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : []) {
    const fn = (call.function ?? {}) as Json;
    blocks.push({
      type: "tool_use",
      id: String(call.id ?? ""),
      name: String(fn.name ?? ""),
      input: toolInput(fn.arguments),
    });
  }
  return blocks;
}

export function completionToMessage(completion: ChatCompletion, id: string, stopSequences: readonly string[]): Json {
  const choice = completion.choices[0];
  const message = (choice?.message ?? {}) as Json;
  const stop = stopInfo(choice?.finish_reason, (choice as Json | undefined)?.stop_reason, stopSequences);
  return {
    id,
    type: "message",
    role: "assistant",
    model: completion.model,
    content: contentBlocks(message),
    ...stop,
    usage: anthropicUsage(completion.usage),
  };
}

/** A message id from the request id (already a sane token), so logs and replies join up. */
export function messageId(requestId: string): string {
  return `msg_${requestId}`;
}
