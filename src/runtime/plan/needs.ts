// What a request needs from a model, inferred once per request from the OpenAI body: the
// capability mask that candidates must cover, and a cheap prompt-size estimate (≈ chars/4) for
// context-window skips and `tokens` conditions. Estimating beats tokenising on the hot path.
import { CAP_BIT } from "../../syntax/vocabulary.ts";

export interface RequestNeeds {
  mask: number;
  promptTokens: number;
  /** Requested completion budget (max_completion_tokens / max_tokens), 0 when not given. */
  maxTokens: number;
  stream: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const IMAGE_PART_TYPES = new Set(["image_url", "image", "input_image"]);

function contentChars(content: unknown, state: { vision: boolean }): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) {
    if (!isObject(part)) continue;
    if (typeof part.text === "string") chars += part.text.length;
    if (typeof part.type === "string" && IMAGE_PART_TYPES.has(part.type)) state.vision = true;
  }
  return chars;
}

export function inferChatNeeds(body: Json): RequestNeeds {
  let mask = 0;
  let chars = 0;
  const seen = { vision: false };
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const m of messages) {
    if (!isObject(m)) continue;
    chars += contentChars(m.content, seen);
    if (Array.isArray(m.tool_calls)) chars += JSON.stringify(m.tool_calls).length;
  }
  const tools = Array.isArray(body.tools) && body.tools.length > 0 ? body.tools : null;
  if (tools) chars += JSON.stringify(tools).length;
  if (tools || (body.tool_choice !== undefined && body.tool_choice !== "none")) mask |= CAP_BIT.tools;
  if (Array.isArray(body.functions) && body.functions.length > 0) mask |= CAP_BIT.tools;
  if (seen.vision) mask |= CAP_BIT.vision;
  const format = isObject(body.response_format) ? body.response_format.type : undefined;
  if (format === "json_object" || format === "json_schema") mask |= CAP_BIT.json;
  const stream = body.stream === true;
  if (stream) mask |= CAP_BIT.stream;
  // A trailing assistant message asks the model to continue it (prefill); reasoning controls ask for a reasoning model.
  const last = messages.length > 0 ? messages[messages.length - 1] : null;
  if (isObject(last) && last.role === "assistant") mask |= CAP_BIT.prefill;
  // `thinking` is how Anthropic Messages asks for it (carried into the chat body by the /v1/messages front door).
  if (body.reasoning_effort !== undefined || isObject(body.reasoning) || isThinking(body.thinking))
    mask |= CAP_BIT.reasoning;
  return { mask, promptTokens: Math.ceil(chars / 4), maxTokens: requestedMaxTokens(body), stream };
}

function isThinking(v: unknown): boolean {
  return isObject(v) && v.type !== "disabled";
}

export function inferEmbeddingNeeds(body: Json): RequestNeeds {
  const input = body.input;
  let chars = 0;
  let tokenIds = 0;
  const items = Array.isArray(input) ? input : [input];
  for (const item of items) {
    if (typeof item === "string") chars += item.length;
    else if (typeof item === "number") tokenIds += 1;
    else if (Array.isArray(item)) tokenIds += item.length;
  }
  return { mask: CAP_BIT.embeddings, promptTokens: Math.ceil(chars / 4) + tokenIds, maxTokens: 0, stream: false };
}

function requestedMaxTokens(body: Json): number {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}
