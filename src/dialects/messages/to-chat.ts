// An Anthropic Messages request → the engine's request body (the OpenAI chat body every adapter
// takes), so routing, capability filtering, failover and continuation work the same for both
// front doors. Images become image_url parts, tool_use / tool_result become assistant tool_calls
// and tool messages, and a trailing assistant turn stays last (the engine reads it as a prefill).
import type { ContentBlock, CountTokensBody, MessagesBody, ToolChoice } from "./schema.ts";

type Json = Record<string, unknown>;
type Part = Json;

type ImageBlock = Extract<ContentBlock, { type: "image" }>;

function imagePart(block: ImageBlock): Part {
  const source = block.source;
  const url = source.type === "base64" ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: "image_url", image_url: { url } };
}

function systemText(system: MessagesBody["system"]): string {
  if (system === undefined) return "";
  return typeof system === "string" ? system : system.map((b) => b.text).join("\n\n");
}

/** A tool result's text (tool messages carry text only); its images go to the user turn after it. */
function toolResult(block: Extract<ContentBlock, { type: "tool_result" }>, images: Part[]): Json {
  let text = "";
  if (typeof block.content === "string") text = block.content;
  else {
    for (const part of block.content ?? []) {
      if (part.type === "text") text += (text ? "\n" : "") + part.text;
      else images.push(imagePart(part));
    }
  }
  return { role: "tool", tool_call_id: block.tool_use_id, content: block.is_error ? `error: ${text}` : text };
}

/** A user turn: its tool results first (chat wants them right after the assistant's calls), then the rest. */
function userMessages(blocks: ContentBlock[]): Json[] {
  const out: Json[] = [];
  const parts: Part[] = [];
  const images: Part[] = [];
  for (const block of blocks) {
    if (block.type === "tool_result") out.push(toolResult(block, images));
    else if (block.type === "text") parts.push({ type: "text", text: block.text });
    else if (block.type === "image") parts.push(imagePart(block));
    // tool_use and thinking blocks belong to assistant turns; in a user turn there is nothing to send
  }
  const content = [...images, ...parts];
  if (content.length > 0) out.push({ role: "user", content });
  return out;
}

/** An assistant turn: text joined, tool_use blocks as tool_calls; thinking blocks have no chat form. */
function assistantMessage(blocks: ContentBlock[]): Json | null {
  let text = "";
  const calls: Json[] = [];
  for (const block of blocks) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use")
      calls.push({
        id: block.id,
        type: "function",
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
  }
  if (!text && calls.length === 0) return null;
  return { role: "assistant", content: text || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
}

function chatMessages(body: CountTokensBody): Json[] {
  const out: Json[] = [];
  const system = systemText(body.system);
  if (system) out.push({ role: "system", content: system });
  for (const m of body.messages) {
    if (typeof m.content === "string") out.push({ role: m.role, content: m.content });
    else if (m.role === "user") out.push(...userMessages(m.content));
    else {
      const message = assistantMessage(m.content);
      if (message) out.push(message);
    }
  }
  return out;
}

function chatToolChoice(choice: ToolChoice): { tool_choice: unknown; parallel_tool_calls?: boolean } {
  const parallel =
    "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use === true
      ? { parallel_tool_calls: false }
      : {};
  if (choice.type === "auto") return { tool_choice: "auto", ...parallel };
  if (choice.type === "any") return { tool_choice: "required", ...parallel };
  if (choice.type === "none") return { tool_choice: "none" };
  return { tool_choice: { type: "function", function: { name: choice.name } }, ...parallel };
}

/** What shapes the prompt: messages, tools, tool choice and thinking (enough for count_tokens). */
export function promptToChat(body: CountTokensBody): Json {
  const out: Json = { model: body.model, messages: chatMessages(body) };
  if (body.tools && body.tools.length > 0) {
    out.tools = body.tools.map((t) => ({
      type: "function",
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input_schema },
    }));
  }
  if (body.tool_choice) Object.assign(out, chatToolChoice(body.tool_choice));
  // Carried as is: the engine infers the `reasoning` need from it and the anthropic adapter forwards it.
  if (body.thinking && body.thinking.type !== "disabled") out.thinking = body.thinking;
  return out;
}

export function messagesToChat(body: MessagesBody): Json {
  const out = promptToChat(body);
  out.max_tokens = body.max_tokens;
  if (body.stop_sequences && body.stop_sequences.length > 0) out.stop = body.stop_sequences;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  // Not an OpenAI field, but one many OpenAI-compatible servers (vLLM, Together…) take; anthropic forwards it.
  if (body.top_k !== undefined) out.top_k = body.top_k;
  if (body.metadata?.user_id) out.user = body.metadata.user_id;
  if (body.stream === true) {
    out.stream = true;
    // Usage is what message_delta reports at the end of the stream.
    out.stream_options = { include_usage: true };
  }
  return out;
}
