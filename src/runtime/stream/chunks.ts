// Loose checks and repairs for upstream chunks and completions. This runs per chunk on the hot
// path and must repair rather than reject (a missing index is not worth failing a stream over),
// so it is a few property checks instead of a schema library. Also the splice that lets a chunk
// changed only in its model name go out as the upstream's own JSON text (ChatChunk.raw).
import { ChunkList, type ChatChunk, type ChatCompletion, type ChunkStream, type Usage } from "../upstream.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function validUsage(v: unknown): Usage | null {
  if (!isObject(v)) return null;
  const p = v.prompt_tokens;
  const c = v.completion_tokens;
  if (typeof p !== "number" || typeof c !== "number" || !Number.isFinite(p) || !Number.isFinite(c)) return null;
  const t = typeof v.total_tokens === "number" && Number.isFinite(v.total_tokens) ? v.total_tokens : p + c;
  return { ...v, prompt_tokens: p, completion_tokens: c, total_tokens: t };
}

/** Nothing to repair: choices well formed and no usage to validate (the common mid-stream chunk). */
function wellFormed(raw: Json): boolean {
  if (raw.usage !== undefined && raw.usage !== null) return false;
  const choices = raw.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const c of choices as unknown[]) {
    if (!isObject(c) || typeof c.index !== "number" || !isObject(c.delta)) return false;
    if (c.finish_reason !== null && typeof c.finish_reason !== "string") return false;
  }
  return true;
}

/** A usable chunk (choices repaired, usage validated), or null to drop it. A chunk that needs no repair is returned as is, without a copy. */
export function normalizeChunk(raw: unknown): ChatChunk | null {
  if (!isObject(raw)) return null;
  if (wellFormed(raw)) return raw as unknown as ChatChunk;
  const usage = validUsage(raw.usage);
  if (!Array.isArray(raw.choices)) return usage ? { ...raw, choices: [], usage } : null; // a copy: its `raw` no longer applies
  const choices: ChatChunk["choices"] = [];
  for (const c of raw.choices as unknown[]) {
    if (!isObject(c)) continue;
    const delta = isObject(c.delta) ? c.delta : {};
    choices.push({
      ...c,
      index: typeof c.index === "number" ? c.index : 0,
      delta: delta as ChatChunk["choices"][number]["delta"],
      finish_reason: typeof c.finish_reason === "string" ? c.finish_reason : null,
    });
  }
  if (choices.length === 0 && raw.choices.length > 0 && !usage) return null;
  const chunk: ChatChunk = { ...raw, choices }; // repaired: a copy, so its `raw` no longer applies
  if (usage) chunk.usage = usage;
  else delete chunk.usage;
  return chunk;
}

/** Whether the chunk carries model output (what ends the first-token wait). */
export function hasOutput(chunk: ChatChunk): boolean {
  for (const c of chunk.choices) if (deltaHasOutput(c.delta)) return true;
  return false;
}

export function deltaHasOutput(d: ChatChunk["choices"][number]["delta"]): boolean {
  if (typeof d.content === "string" && d.content.length > 0) return true;
  if (Array.isArray(d.tool_calls) && d.tool_calls.length > 0) return true;
  if (typeof d.reasoning_content === "string" && d.reasoning_content.length > 0) return true;
  return typeof d.refusal === "string" && d.refusal.length > 0;
}

export function hasFinish(chunk: ChatChunk): boolean {
  for (const c of chunk.choices) if (c.finish_reason) return true;
  return false;
}

/** A completion with an answer: at least one choice, each with a message (an empty 200 is the provider's failure). */
export function isCompletion(body: unknown): body is ChatCompletion {
  return (
    isObject(body) &&
    Array.isArray(body.choices) &&
    body.choices.length > 0 &&
    body.choices.every((c) => isObject(c) && isObject(c.message))
  );
}

/** A provider answered a stream request with a whole completion: replay it as chunks, all of them queued. */
export function completionAsChunks(body: ChatCompletion): ChunkStream {
  const base = { id: body.id, object: "chat.completion.chunk", created: body.created, model: body.model };
  const chunks: ChatChunk[] = [
    {
      ...base,
      choices: body.choices.map((c) => ({
        index: c.index,
        delta: {
          role: c.message.role,
          content: c.message.content,
          ...(c.message.tool_calls ? { tool_calls: c.message.tool_calls } : {}),
        },
        finish_reason: null,
      })),
    },
    {
      ...base,
      choices: body.choices.map((c) => ({ index: c.index, delta: {}, finish_reason: c.finish_reason ?? "stop" })),
    },
  ];
  if (body.usage) chunks.push({ ...base, choices: [], usage: body.usage });
  return new ChunkList(chunks);
}

const MODEL_KEY = '"model":';

/**
 * For chunks passed on unchanged but for the model name: the upstream's JSON text with the
 * top-level `model` value replaced, or null when that cannot be done safely (no compact top-level
 * `"model":` key holding exactly `from`, or another `"model"` key later on). The caller then
 * serialises the chunk instead. The chunks of one stream nearly always start with the same text up
 * to the model value (id, object, created), so a start checked once is reused: a prefix compare
 * instead of a scan per chunk (~220 → ~60 ns).
 */
export function modelSplicer(): (raw: string, from: unknown, to: string) => string | null {
  let fromValue = "";
  let toValue = "";
  let oldStart = ""; // a checked text start that ends with the old model value's literal
  let newStart = "";
  return (raw, from, to) => {
    if (typeof from !== "string") return null;
    if (oldStart.length === 0 || from !== fromValue || to !== toValue || !raw.startsWith(oldStart)) {
      const at = raw.indexOf(MODEL_KEY);
      if (at < 0 || !atTopLevel(raw, at)) return null;
      const value = at + MODEL_KEY.length;
      const fromText = JSON.stringify(from);
      if (!raw.startsWith(fromText, value)) return null;
      [fromValue, toValue] = [from, to];
      oldStart = raw.slice(0, value + fromText.length);
      newStart = raw.slice(0, value) + JSON.stringify(to);
    }
    if (raw.indexOf('"model"', oldStart.length) >= 0) return null; // a duplicate key would win over ours
    return newStart + raw.slice(oldStart.length);
  };
}

/** Whether position `at` of a JSON object's text is outside strings and directly inside the outer object. */
function atTopLevel(json: string, at: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < at; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: the next character is escaped
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return !inString && depth === 1;
}
