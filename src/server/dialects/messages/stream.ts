// The engine's chat chunks → Anthropic's stream events: one message_start (and a ping), content
// blocks opened, filled and stopped in index order (thinking, text, tool_use), then message_delta
// with the stop reason and usage, and message_stop. The engine already makes a continued stream
// look like one (one role, overlap trimmed), so a continuation simply keeps filling the open text
// block. An engine error ends the stream with `event: error` and never with message_stop.
import type { OpenAIErrorBody } from "../../../runtime/api.ts";
import type { ChatChunk, Usage } from "../../../runtime/upstream.ts";
import type { SseFrames } from "../../sse-stream.ts";
import { fromOpenAIError } from "./errors.ts";
import { anthropicUsage, stopInfo, type StopInfo } from "./from-chat.ts";

type Json = Record<string, unknown>;

export interface MessagesStreamOptions {
  id: string;
  /** The model named in message_start when no chunk names one. */
  model: string;
  /** The gateway's prompt estimate, reported in message_start (the real count comes in message_delta). */
  inputTokens: number;
  stopSequences: readonly string[];
}

function event(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

type BlockKind = "text" | "thinking" | "tool_use";

export function messagesFrames(opts: MessagesStreamOptions): SseFrames {
  let started = false;
  let nextIndex = 0;
  let open: { index: number; kind: BlockKind } | null = null;
  const toolBlocks = new Map<number, number>(); // chat tool_calls index → content block index
  let stop: StopInfo | null = null;
  let usage: Usage | null = null;

  const start = (model: unknown): string => {
    started = true;
    const message = {
      id: opts.id,
      type: "message",
      role: "assistant",
      model: typeof model === "string" && model ? model : opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: opts.inputTokens, output_tokens: 0 },
    };
    return event("message_start", { type: "message_start", message }) + event("ping", { type: "ping" });
  };
  const close = (): string => {
    if (open === null) return "";
    const index = open.index;
    open = null;
    return event("content_block_stop", { type: "content_block_stop", index });
  };
  /** Opens a block of `kind` unless one is open already; returns the events and its index. */
  const ensure = (kind: "text" | "thinking"): [string, number] => {
    if (open?.kind === kind) return ["", open.index];
    let out = close();
    open = { index: nextIndex++, kind };
    const block = kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    out += event("content_block_start", { type: "content_block_start", index: open.index, content_block: block });
    return [out, open.index];
  };
  const delta = (index: number, d: Json): string => event("content_block_delta", { type: "content_block_delta", index, delta: d });

  const toolCall = (raw: unknown): string => {
    const call = (raw ?? {}) as Json;
    const fn = (call.function ?? {}) as Json;
    const key = typeof call.index === "number" ? call.index : 0;
    let out = "";
    let index = toolBlocks.get(key);
    if (index === undefined) {
      out += close();
      index = nextIndex++;
      toolBlocks.set(key, index);
      open = { index, kind: "tool_use" };
      const block = { type: "tool_use", id: String(call.id ?? `toolu_${opts.id}_${index}`), name: String(fn.name ?? ""), input: {} };
      out += event("content_block_start", { type: "content_block_start", index, content_block: block });
    }
    // Arguments for a call whose block was already stopped (chat may interleave calls) keep their
    // own index: the SDKs accumulate input by index.
    if (typeof fn.arguments === "string" && fn.arguments) out += delta(index, { type: "input_json_delta", partial_json: fn.arguments });
    return out;
  };

  const choice = (c: ChatChunk["choices"][number]): string => {
    const d = c.delta;
    let out = "";
    if (typeof d.reasoning_content === "string" && d.reasoning_content) {
      const [opened, index] = ensure("thinking");
      out += opened + delta(index, { type: "thinking_delta", thinking: d.reasoning_content });
    }
    if (typeof d.content === "string" && d.content) {
      const [opened, index] = ensure("text");
      out += opened + delta(index, { type: "text_delta", text: d.content });
    }
    if (Array.isArray(d.tool_calls)) for (const call of d.tool_calls) out += toolCall(call);
    if (c.finish_reason) stop = stopInfo(c.finish_reason, (c as Json).stop_reason, opts.stopSequences);
    return out;
  };

  return {
    chunk(chunk) {
      let out = started ? "" : start(chunk.model);
      if (chunk.usage) usage = chunk.usage;
      // Messages has one answer per request; the translation never asks chat for more (n).
      for (const c of chunk.choices) if (c.index === 0) out += choice(c);
      return out;
    },
    done() {
      let out = started ? "" : start(null);
      out += close();
      const final = anthropicUsage(usage);
      const delta = { stop_reason: (stop ?? stopInfo("stop", null, [])).stop_reason, stop_sequence: stop?.stop_sequence ?? null };
      out += event("message_delta", { type: "message_delta", delta, usage: final });
      return out + event("message_stop", { type: "message_stop" });
    },
    error(error: OpenAIErrorBody) {
      // Status 500 semantics: the answer broke inside the gateway or upstream after it started.
      return event("error", fromOpenAIError(500, error) as unknown as Json);
    },
  };
}
