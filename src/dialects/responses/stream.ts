// The engine's chat chunks → OpenAI Responses stream events, each with its sequence_number:
// response.created and response.in_progress first; output items opened, filled and closed in
// order (a message item with one output_text part, function_call items with their arguments);
// then response.completed (or response.incomplete at max_output_tokens). The engine already
// makes a continued stream look like one (one role, overlap trimmed), so a continuation simply
// keeps filling the open item: one response.created … one response.completed, ids unchanged.
// An engine error ends the stream with response.failed and an `error` event, never completed.
import type { OpenAIErrorBody } from "../../runtime/api.ts";
import type { ChatChunk, Usage } from "../../runtime/upstream.ts";
import type { SseFrames } from "../frames.ts";
import {
  callItem,
  callItemId,
  messageItem,
  messageItemId,
  responseShell,
  responsesUsage,
  statusFor,
  textPart,
  type ResponseEcho,
} from "./from-chat.ts";

type Json = Record<string, unknown>;
type Choice = ChatChunk["choices"][number];

interface OpenMessage {
  kind: "message";
  index: number;
  id: string;
  text: string;
  /** The delta event's text up to its `delta` value, built once per item (nearly every event is one). */
  head: string;
}

interface OpenCall {
  kind: "call";
  index: number;
  id: string;
  call_id: string;
  name: string;
  arguments: string;
}

/** One stream's translation state; a new one per response. */
class ResponsesStream implements SseFrames {
  #seq = 0;
  #started = false;
  #model: string;
  #open: OpenMessage | OpenCall | null = null;
  readonly #output: Json[] = [];
  readonly #calls = new Map<number, OpenCall>(); // chat tool_calls index → its item
  #messages = 0;
  #finish: unknown = null;
  #usage: Usage | null = null;

  constructor(private readonly echo: ResponseEcho) {
    this.#model = echo.model;
  }

  chunk(chunk: ChatChunk): string {
    let out = this.#started ? "" : this.#start(chunk.model);
    if (chunk.usage) this.#usage = chunk.usage;
    // Responses has one answer per request; the translation never asks chat for more (n).
    for (const c of chunk.choices) if (c.index === 0) out += this.#choice(c);
    return out;
  }

  done(): string {
    let out = this.#started ? "" : this.#start(null);
    const { status, incomplete_details } = statusFor(this.#finish);
    out += this.#close(status === "completed" ? "completed" : "incomplete");
    const response = {
      ...responseShell(this.echo, this.#model),
      status,
      incomplete_details,
      output: this.#output,
      usage: responsesUsage(this.#usage),
    };
    return out + this.#event(status === "completed" ? "response.completed" : "response.incomplete", { response });
  }

  error(error: OpenAIErrorBody): string {
    let out = this.#started ? "" : this.#start(null);
    const message = typeof error?.error?.message === "string" ? error.error.message : "the response failed";
    const code = typeof error?.error?.code === "string" ? error.error.code : "server_error";
    // The item cut short is reported as it was sent, marked incomplete; nothing is closed as if finished.
    const output = [...this.#output];
    if (this.#open?.kind === "message")
      output.push(messageItem(this.#open.id, "incomplete", [textPart(this.#open.text)]));
    else if (this.#open) output.push(callItem(this.#open.id, "incomplete", this.#open));
    const response = {
      ...responseShell(this.echo, this.#model),
      status: "failed",
      error: { code: "server_error", message },
      output,
      usage: responsesUsage(this.#usage),
    };
    out += this.#event("response.failed", { response });
    // The `error` event carries the error both flat (the API reference) and nested (what the SDKs raise on).
    return (
      out +
      this.#event("error", { code, message, param: null, error: { type: "server_error", code, message, param: null } })
    );
  }

  #event(type: string, data: Json): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: this.#seq++ })}\n\n`;
  }

  #start(model: unknown): string {
    this.#started = true;
    if (typeof model === "string" && model) this.#model = model;
    const response = responseShell(this.echo, this.#model);
    return this.#event("response.created", { response }) + this.#event("response.in_progress", { response });
  }

  #choice(c: Choice): string {
    const d = (c.delta ?? {}) as Json;
    let out = "";
    if (typeof d.content === "string" && d.content) out += this.#text(d.content);
    if (Array.isArray(d.tool_calls)) for (const call of d.tool_calls) out += this.#toolCall((call ?? {}) as Json);
    if (c.finish_reason) this.#finish = c.finish_reason;
    return out;
  }

  #text(text: string): string {
    let out = "";
    if (this.#open?.kind !== "message") {
      out += this.#close();
      const index = this.#output.length;
      const id = messageItemId(this.echo.requestId, this.#messages++);
      const head = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":${JSON.stringify(id)},"output_index":${index},"content_index":0,"delta":`;
      this.#open = { kind: "message", index, id, text: "", head };
      out += this.#event("response.output_item.added", {
        output_index: index,
        item: messageItem(id, "in_progress", []),
      });
      out += this.#event("response.content_part.added", {
        item_id: id,
        output_index: index,
        content_index: 0,
        part: textPart(""),
      });
    }
    const open = this.#open as OpenMessage;
    open.text += text;
    return `${out}${open.head}${JSON.stringify(text)},"logprobs":[],"sequence_number":${this.#seq++}}\n\n`;
  }

  #toolCall(call: Json): string {
    const fn = (call.function ?? {}) as Json;
    const key = typeof call.index === "number" ? call.index : 0;
    let out = "";
    let item = this.#calls.get(key);
    if (item === undefined) {
      out += this.#close();
      const index = this.#output.length;
      const id = callItemId(this.echo.requestId, this.#calls.size);
      item = {
        kind: "call",
        index,
        id,
        call_id: typeof call.id === "string" && call.id ? call.id : id,
        name: String(fn.name ?? ""),
        arguments: "",
      };
      this.#calls.set(key, item);
      this.#open = item;
      out += this.#event("response.output_item.added", {
        output_index: index,
        item: callItem(id, "in_progress", item),
      });
    }
    if (typeof fn.arguments === "string" && fn.arguments) {
      item.arguments += fn.arguments;
      out += this.#event("response.function_call_arguments.delta", {
        item_id: item.id,
        output_index: item.index,
        delta: fn.arguments,
      });
    }
    return out;
  }

  /** Closes the open item: its done events, and the item as it stands joins the output. */
  #close(itemStatus: "completed" | "incomplete" = "completed"): string {
    const open = this.#open;
    if (open === null) return "";
    this.#open = null;
    if (open.kind === "message") {
      const at = { item_id: open.id, output_index: open.index, content_index: 0 };
      const part = textPart(open.text);
      const item = messageItem(open.id, itemStatus, [part]);
      this.#output.push(item);
      return (
        this.#event("response.output_text.done", { ...at, text: open.text, logprobs: [] }) +
        this.#event("response.content_part.done", { ...at, part }) +
        this.#event("response.output_item.done", { output_index: open.index, item })
      );
    }
    const item = callItem(open.id, itemStatus, open);
    this.#output.push(item);
    return (
      this.#event("response.function_call_arguments.done", {
        item_id: open.id,
        output_index: open.index,
        name: open.name,
        arguments: open.arguments,
      }) + this.#event("response.output_item.done", { output_index: open.index, item })
    );
  }
}

export function responsesFrames(echo: ResponseEcho): SseFrames {
  return new ResponsesStream(echo);
}
