// An OpenAI Responses request → the engine's request body (the OpenAI chat body every adapter
// takes), so routing, capability filtering, failover and continuation work the same for every
// front door. Input items become chat messages in order: function_call items join the assistant
// message before them as tool_calls, function_call_output items become tool messages, and
// text.format / reasoning.effort become response_format / reasoning_effort (which the engine
// reads as the `json` and `reasoning` needs).
import type { ContentPart, InputItem, ResponsesBody } from "./schema.ts";

type Json = Record<string, unknown>;

function chatPart(part: ContentPart): Json | null {
  if (part.type === "input_text") return { type: "text", text: part.text };
  if (part.type === "input_image")
    return {
      type: "image_url",
      image_url: { url: part.image_url, ...(part.detail && part.detail !== "original" ? { detail: part.detail } : {}) },
    };
  return null;
}

/** The text of an assistant or system turn (text and refusal parts): chat takes plain text there. */
function plainText(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  let text = "";
  for (const part of content) {
    if (part.type === "output_text" || part.type === "input_text") text += part.text;
    else if (part.type === "refusal") text += part.refusal;
  }
  return text;
}

function userContent(content: string | ContentPart[]): string | Json[] {
  if (typeof content === "string") return content;
  const parts: Json[] = [];
  for (const part of content) {
    const p = chatPart(part);
    if (p) parts.push(p);
    else if (part.type === "output_text") parts.push({ type: "text", text: part.text });
  }
  return parts;
}

/** A tool message carries text; images in an output go to a user turn right after the tool messages. */
function toolMessage(item: Extract<InputItem, { type: "function_call_output" }>, images: Json[]): Json {
  if (typeof item.output === "string") return { role: "tool", tool_call_id: item.call_id, content: item.output };
  let text = "";
  for (const part of item.output) {
    if (part.type === "input_text") text += (text ? "\n" : "") + part.text;
    else images.push(chatPart(part)!);
  }
  return { role: "tool", tool_call_id: item.call_id, content: text };
}

/** The calls join the assistant message right before them, or a new one: chat wants them in one message. */
function addCall(out: Json[], item: Extract<InputItem, { type: "function_call" }>): void {
  const call = { id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments } };
  const last = out.at(-1);
  if (last?.role === "assistant") {
    last.tool_calls = [...((last.tool_calls as Json[] | undefined) ?? []), call];
  } else out.push({ role: "assistant", content: null, tool_calls: [call] });
}

function chatMessages(body: ResponsesBody): Json[] {
  const out: Json[] = [];
  if (body.instructions) out.push({ role: "system", content: body.instructions });
  if (typeof body.input === "string") {
    out.push({ role: "user", content: body.input });
    return out;
  }
  let images: Json[] = [];
  const flushImages = (): void => {
    if (images.length > 0) out.push({ role: "user", content: images });
    images = [];
  };
  for (const item of body.input) {
    if (item.type !== "function_call_output") flushImages();
    if (item.type === "message") {
      // developer is the newer name for system; not every chat upstream knows it.
      if (item.role === "assistant") out.push({ role: "assistant", content: plainText(item.content) });
      else if (item.role === "user") out.push({ role: "user", content: userContent(item.content) });
      else out.push({ role: "system", content: plainText(item.content) });
    } else if (item.type === "function_call") addCall(out, item);
    else if (item.type === "function_call_output") out.push(toolMessage(item, images));
    // reasoning items have no chat form; item_reference was refused before translation
  }
  flushImages();
  return out;
}

function responseFormat(format: NonNullable<NonNullable<ResponsesBody["text"]>["format"]>): Json | null {
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type !== "json_schema") return null;
  const schema: Json = { name: format.name, schema: format.schema };
  if (format.description !== undefined) schema.description = format.description;
  if (typeof format.strict === "boolean") schema.strict = format.strict;
  return { type: "json_schema", json_schema: schema };
}

function toolFields(body: ResponsesBody, out: Json): void {
  if (body.tools && body.tools.length > 0) {
    out.tools = body.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.parameters ?? { type: "object", properties: {} },
        ...(typeof t.strict === "boolean" ? { strict: t.strict } : {}),
      },
    }));
    if (typeof body.parallel_tool_calls === "boolean") out.parallel_tool_calls = body.parallel_tool_calls;
  }
  const choice = body.tool_choice;
  if (typeof choice === "string") out.tool_choice = choice;
  else if (choice) out.tool_choice = { type: "function", function: { name: choice.name } };
}

export function responsesToChat(body: ResponsesBody): Json {
  const out: Json = { model: body.model, messages: chatMessages(body) };
  toolFields(body, out);
  const format = body.text?.format ? responseFormat(body.text.format) : null;
  if (format) out.response_format = format;
  if (typeof body.max_output_tokens === "number") out.max_tokens = body.max_output_tokens;
  if (typeof body.temperature === "number") out.temperature = body.temperature;
  if (typeof body.top_p === "number") out.top_p = body.top_p;
  // "none" asks for no reasoning, so it must not make reasoning a need.
  if (body.reasoning?.effort && body.reasoning.effort !== "none") out.reasoning_effort = body.reasoning.effort;
  // Routing conditions and sticky keys read metadata, as they do on the chat endpoint.
  if (body.metadata) out.metadata = body.metadata;
  if (body.user) out.user = body.user;
  if (body.stream === true) {
    out.stream = true;
    // Usage is what response.completed reports at the end of the stream.
    out.stream_options = { include_usage: true };
  }
  return out;
}
