// The engine's chat chunks → Anthropic's stream events: one message_start (and a ping), content
// blocks opened, filled and stopped in index order (thinking, text, tool_use), then message_delta
// with the stop reason and usage, and message_stop. The engine already makes a continued stream
// look like one (one role, overlap trimmed), so a continuation simply keeps filling the open text
// block. An engine error ends the stream with `event: error` and never with message_stop.
import type { OpenAIErrorBody } from "../../runtime/api.ts";
import { type ChatChunk, isThinkingBlock, type Usage } from "../../runtime/upstream.ts";
import type { SseFrames } from "../frames.ts";
import { fromOpenAIError } from "./errors.ts";
import { anthropicUsage, stopInfo, type StopInfo } from "./from-chat.ts";

type Json = Record<string, unknown>;
type Choice = ChatChunk["choices"][number];
type BlockKind = "text" | "thinking" | "tool_use";

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

function blockDelta(index: number, delta: Json): string {
  return event("content_block_delta", { type: "content_block_delta", index, delta });
}

/**
 * Text and thinking deltas are nearly every event of a stream: their frame is the block's fixed
 * text around one JSON string, built once per block instead of serialising an object per event.
 */
function deltaFrame(index: number, kind: "text" | "thinking"): [string, string] {
  const field = kind === "text" ? "text" : "thinking";
  const head = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${kind}_delta","${field}":`;
  return [head, "}}\n\n"];
}

/** One stream's translation state; a new one per response. */
class MessagesStream implements SseFrames {
  #started = false;
  #nextIndex = 0;
  #open: { index: number; kind: BlockKind; frame: [string, string] | null } | null = null;
  readonly #toolBlocks = new Map<number, number>(); // chat tool_calls index → content block index
  #stop: StopInfo | null = null;
  #usage: Usage | null = null;

  constructor(private readonly opts: MessagesStreamOptions) {}

  chunk(chunk: ChatChunk): string {
    let out = this.#started ? "" : this.#start(chunk.model);
    if (chunk.usage) this.#usage = chunk.usage;
    // Messages has one answer per request; the translation never asks chat for more (n).
    for (const c of chunk.choices) if (c.index === 0) out += this.#choice(c);
    return out;
  }

  done(): string {
    let out = this.#started ? "" : this.#start(null);
    out += this.#close();
    const stop = this.#stop ?? stopInfo("stop", null, []);
    out += event("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stop.stop_reason, stop_sequence: stop.stop_sequence },
      usage: anthropicUsage(this.#usage),
    });
    return out + event("message_stop", { type: "message_stop" });
  }

  error(error: OpenAIErrorBody): string {
    // The answer broke after it started: a server-side failure, whatever the upstream's status was.
    return event("error", fromOpenAIError(500, error) as unknown as Json);
  }

  #start(model: unknown): string {
    this.#started = true;
    const message = {
      id: this.opts.id,
      type: "message",
      role: "assistant",
      model: typeof model === "string" && model ? model : this.opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: this.opts.inputTokens, output_tokens: 0 },
    };
    return event("message_start", { type: "message_start", message }) + event("ping", { type: "ping" });
  }

  #close(): string {
    if (this.#open === null) return "";
    const index = this.#open.index;
    this.#open = null;
    return event("content_block_stop", { type: "content_block_stop", index });
  }

  /** Stops the open block and starts a new one at the next index. */
  #begin(kind: BlockKind, block: Json): [string, number] {
    const out = this.#close();
    const index = this.#nextIndex++;
    this.#open = { index, kind, frame: kind === "tool_use" ? null : deltaFrame(index, kind) };
    return [out + event("content_block_start", { type: "content_block_start", index, content_block: block }), index];
  }

  /** A text or thinking delta, in the open block of its kind (continued text goes on in the same block) or a new one. */
  #delta(kind: "text" | "thinking", piece: string): string {
    let out = "";
    if (this.#open?.kind !== kind)
      [out] = this.#begin(
        kind,
        kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" },
      );
    const [head, tail] = this.#open!.frame!;
    return out + head + JSON.stringify(piece) + tail;
  }

  #choice(c: Choice): string {
    const d = c.delta;
    let out = "";
    if (typeof d.reasoning_content === "string" && d.reasoning_content)
      out += this.#delta("thinking", d.reasoning_content);
    if (Array.isArray(d.thinking_blocks)) out += this.#signedThinking(d.thinking_blocks);
    if (typeof d.content === "string" && d.content) out += this.#delta("text", d.content);
    if (Array.isArray(d.tool_calls)) for (const call of d.tool_calls) out += this.#toolCall((call ?? {}) as Json);
    if (c.finish_reason) this.#stop = stopInfo(c.finish_reason, (c as Json).stop_reason, this.opts.stopSequences);
    return out;
  }

  /**
   * A signature ends the thinking block streamed before it (one is opened when none is); a
   * redacted block is whole in its start event. Either is stopped at once, so thinking that
   * follows starts its own block, as Anthropic streams them.
   */
  #signedThinking(blocks: unknown[]): string {
    let out = "";
    for (const block of blocks) {
      if (!isThinkingBlock(block)) continue; // an upstream's malformed entry: nothing to render
      if (block.type === "redacted_thinking") out += this.#begin("thinking", block)[0];
      else {
        if (this.#open?.kind !== "thinking")
          out += this.#begin("thinking", { type: "thinking", thinking: block.thinking, signature: "" })[0];
        out += blockDelta(this.#open!.index, { type: "signature_delta", signature: block.signature });
      }
      out += this.#close();
    }
    return out;
  }

  #toolCall(call: Json): string {
    const fn = (call.function ?? {}) as Json;
    const key = typeof call.index === "number" ? call.index : 0;
    let out = "";
    let index = this.#toolBlocks.get(key);
    if (index === undefined) {
      const id = typeof call.id === "string" && call.id ? call.id : `toolu_${this.opts.id}_${this.#nextIndex}`;
      [out, index] = this.#begin("tool_use", { type: "tool_use", id, name: String(fn.name ?? ""), input: {} });
      this.#toolBlocks.set(key, index);
    }
    // Arguments for a call whose block was already stopped (chat may interleave calls) keep their
    // own index: the SDKs accumulate input by index.
    if (typeof fn.arguments === "string" && fn.arguments)
      out += blockDelta(index, { type: "input_json_delta", partial_json: fn.arguments });
    return out;
  }
}

export function messagesFrames(opts: MessagesStreamOptions): SseFrames {
  return new MessagesStream(opts);
}
