// OpenAI chat body → Anthropic Messages body. Clients speak OpenAI to us whatever serves them, so
// every field that has an Anthropic meaning is carried across, and one that cannot be (audio
// parts, unparsable tool arguments) fails as a client error instead of being silently dropped.
import * as v from "valibot";
import type { ModelNode } from "../compile/graph.ts";
import { UpstreamError } from "../runtime/upstream.ts";

const TextPart = v.looseObject({ type: v.literal("text"), text: v.string() });
const Part = v.looseObject({ type: v.string() });
const Content = v.nullish(v.union([v.string(), v.array(Part)]));
const ToolCall = v.looseObject({
  id: v.string(),
  function: v.looseObject({ name: v.string(), arguments: v.optional(v.string(), "") }),
});
const Message = v.variant("role", [
  v.looseObject({ role: v.picklist(["system", "developer"]), content: Content }),
  v.looseObject({ role: v.literal("user"), content: Content }),
  v.looseObject({ role: v.literal("assistant"), content: Content, tool_calls: v.nullish(v.array(ToolCall)) }),
  v.looseObject({ role: v.literal("tool"), tool_call_id: v.string(), content: Content }),
]);
const Tool = v.looseObject({
  type: v.optional(v.string()),
  function: v.looseObject({
    name: v.string(),
    description: v.optional(v.string()),
    parameters: v.optional(v.record(v.string(), v.unknown())),
  }),
});
const Body = v.looseObject({
  messages: v.array(Message),
  tools: v.nullish(v.array(Tool)),
  tool_choice: v.nullish(v.union([v.string(), v.looseObject({ function: v.looseObject({ name: v.string() }) })])),
  parallel_tool_calls: v.nullish(v.boolean()),
  max_tokens: v.nullish(v.number()),
  max_completion_tokens: v.nullish(v.number()),
  temperature: v.nullish(v.number()),
  top_p: v.nullish(v.number()),
  top_k: v.nullish(v.number()),
  thinking: v.nullish(v.looseObject({ type: v.string() })),
  stop: v.nullish(v.union([v.string(), v.array(v.string())])),
  user: v.nullish(v.string()),
});

type Block = Record<string, unknown>;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

/** Anthropic's request plus what the reply translation needs to know about it. */
export interface AnthropicRequest {
  body: Record<string, unknown>;
  /** Whitespace cut from the end of a prefill (Anthropic rejects it); the reply's first text repeats it. */
  prefillTrimmed: string;
}

function reject(message: string): never {
  throw new UpstreamError("client", message, 400, null, "invalid_request_error");
}

function textOf(content: v.InferOutput<typeof Content>, what: string): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part) => {
      if (v.is(TextPart, part)) return part.text;
      if (part.type === "refusal" && typeof part.refusal === "string") return part.refusal;
      return reject(`content part \`${part.type}\` is not supported in ${what} messages by anthropic`);
    })
    .join("");
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function userBlocks(content: v.InferOutput<typeof Content>): Block[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return content.map((part): Block => {
    if (v.is(TextPart, part)) return { type: "text", text: part.text };
    if (part.type === "image_url") {
      const image = part.image_url as { url?: unknown } | string | undefined;
      const url = typeof image === "string" ? image : image?.url;
      if (typeof url !== "string") return reject("an `image_url` part has no url");
      const data = DATA_URL.exec(url);
      if (data) return { type: "image", source: { type: "base64", media_type: data[1], data: data[2] } };
      if (/^https?:\/\//.test(url)) return { type: "image", source: { type: "url", url } };
      return reject("image urls must be `data:` (base64) or `http(s):` urls");
    }
    return reject(`content part \`${part.type}\` is not supported by anthropic`);
  });
}

function toolUse(call: v.InferOutput<typeof ToolCall>): Block {
  let input: unknown = {};
  if (call.function.arguments.trim()) {
    try {
      input = JSON.parse(call.function.arguments);
    } catch {
      reject(`the arguments of tool call \`${call.id}\` are not valid JSON`);
    }
  }
  return { type: "tool_use", id: call.id, name: call.function.name, input };
}

/** Anthropic wants strict alternation: consecutive same-role turns become one turn. */
function pushTurn(turns: Turn[], role: Turn["role"], content: Block[]): void {
  if (content.length === 0) return;
  const last = turns[turns.length - 1];
  if (last && last.role === role) last.content.push(...content);
  else turns.push({ role, content });
}

function toolChoice(choice: unknown, parallel: boolean | null | undefined): Record<string, unknown> | undefined {
  const noParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice == null) return parallel === false ? { type: "auto", ...noParallel } : undefined;
  if (choice === "auto") return { type: "auto", ...noParallel };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any", ...noParallel };
  if (typeof choice === "object")
    return { type: "tool", name: (choice as { function: { name: string } }).function.name, ...noParallel };
  return reject(`tool_choice \`${String(choice)}\` is not one of auto, none, required or a function`);
}

export function toAnthropicRequest(raw: Record<string, unknown>, model: ModelNode, stream: boolean): AnthropicRequest {
  const parsed = v.safeParse(Body, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "body";
    return reject(`cannot translate \`${path}\` for anthropic: ${issue.message}`);
  }
  const body = parsed.output;
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const message of body.messages) {
    if (message.role === "system" || message.role === "developer") system.push(textOf(message.content, "system"));
    else if (message.role === "user") pushTurn(turns, "user", userBlocks(message.content));
    else if (message.role === "tool") {
      pushTurn(turns, "user", [
        { type: "tool_result", tool_use_id: message.tool_call_id, content: textOf(message.content, "tool") },
      ]);
    } else {
      const text = textOf(message.content, "assistant");
      const blocks: Block[] = text ? [{ type: "text", text }] : [];
      const calls = (message.tool_calls ?? []) as v.InferOutput<typeof ToolCall>[];
      for (const call of calls) blocks.push(toolUse(call));
      pushTurn(turns, "assistant", blocks);
    }
  }

  // A trailing assistant turn is a prefill: Anthropic continues it, but rejects trailing whitespace.
  let prefillTrimmed = "";
  const last = turns[turns.length - 1];
  const lastBlock = last?.content[last.content.length - 1];
  if (last?.role === "assistant" && lastBlock?.type === "text") {
    const text = lastBlock.text as string;
    const kept = text.trimEnd();
    prefillTrimmed = text.slice(kept.length);
    if (kept) lastBlock.text = kept;
    else last.content.pop();
    if (last.content.length === 0) turns.pop();
  }

  const out: Record<string, unknown> = {
    model: raw.model,
    messages: turns,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? model.maxOutput,
  };
  const systemText = system.filter(Boolean).join("\n\n");
  if (systemText) out.system = systemText;
  // OpenAI's temperature runs 0–2, Anthropic's 0–1: clamp rather than let the upstream reject it.
  if (body.temperature != null) out.temperature = Math.min(1, Math.max(0, body.temperature));
  if (body.top_p != null) out.top_p = body.top_p;
  // Not OpenAI fields, but Anthropic's own, as the /v1/messages front door carries them in the chat body.
  if (body.top_k != null) out.top_k = body.top_k;
  if (body.thinking != null) out.thinking = body.thinking;
  if (body.stop != null) out.stop_sequences = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (body.user) out.metadata = { user_id: body.user };
  if (body.tools?.length) {
    out.tools = body.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: tool.function.parameters ?? { type: "object", properties: {} },
    }));
  }
  const choice = body.tools?.length ? toolChoice(body.tool_choice, body.parallel_tool_calls) : undefined;
  if (choice) out.tool_choice = choice;
  if (stream) out.stream = true;
  return { body: out, prefillTrimmed };
}
