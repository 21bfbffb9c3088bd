// Loose shapes for what OpenAI-compatible upstreams send back (valibot for whole completions, a
// structural check for stream chunks). Upstream bodies are untrusted: we check only the fields the
// engine relies on (choices, deltas, usage) and keep every other field as it came, so provider
// extras (system_fingerprint, logprobs) still reach clients.
import * as v from "valibot";
import { RawJson, type ChatChunk, type ChatCompletion } from "../runtime/upstream.ts";

const UsageSchema = v.looseObject({
  prompt_tokens: v.number(),
  completion_tokens: v.number(),
  total_tokens: v.number(),
});

const CompletionSchema = v.looseObject({
  id: v.optional(v.string(), ""),
  object: v.optional(v.literal("chat.completion"), "chat.completion"),
  created: v.optional(v.number(), 0),
  model: v.optional(v.string(), ""),
  // a 200 without a choice carries no answer: the provider failed (`malformed`), the next candidate serves
  choices: v.pipe(
    v.array(
      v.looseObject({
        index: v.number(),
        message: v.looseObject({
          role: v.optional(v.string(), "assistant"),
          content: v.nullish(v.string(), null),
          tool_calls: v.optional(v.array(v.unknown())),
          refusal: v.nullish(v.string()),
        }),
        finish_reason: v.nullish(v.string(), null),
      }),
    ),
    v.minLength(1),
  ),
  usage: v.optional(UsageSchema),
});

/**
 * A parsed chunk, or null when it is not one (the caller decides whether to skip or fail). This runs
 * for every event of every stream, so it is a structural check of the freshly parsed object rather
 * than a valibot schema (which copied every level, ~0.4 µs per event): the same rules as a loose
 * schema (choices with a numeric index, delta fields of the right types, finish_reason and usage
 * nullish or well typed), other fields kept as they came, a missing delta filled in place. Given
 * the JSON text, the chunk carries it (`raw`) so an unchanged chunk can be forwarded as sent.
 */
export function parseChunk(value: unknown, text?: string): ChatChunk | null {
  if (!isObject(value)) return null;
  const choices = value.choices;
  if (!Array.isArray(choices)) return null;
  let filled = false;
  for (const c of choices as unknown[]) {
    if (!isObject(c) || !isNumber(c.index) || !nullishString(c.finish_reason)) return null;
    if (c.delta === undefined) {
      c.delta = {};
      filled = true;
    } else if (!validDelta(c.delta)) return null;
  }
  const usage = value.usage;
  if (usage !== undefined && usage !== null && !validUsage(usage)) return null;
  // `text` (the JSON it was parsed from) may stand for the chunk only if nothing was filled in; a
  // chunk whose upstream sent a `raw` field of its own keeps it and goes out re-serialised
  if (text !== undefined && !filled && value.raw === undefined) value.raw = new RawJson(text, value);
  return value as ChatChunk;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;
const isNumber = (v: unknown): v is number => typeof v === "number" && !Number.isNaN(v);
const nullishString = (v: unknown): boolean => v === undefined || v === null || typeof v === "string";

function validDelta(d: unknown): boolean {
  if (!isObject(d)) return false;
  if (d.role !== undefined && typeof d.role !== "string") return false;
  if (!nullishString(d.content) || !nullishString(d.reasoning_content) || !nullishString(d.refusal)) return false;
  const calls = d.tool_calls;
  return calls === undefined || calls === null || Array.isArray(calls);
}

function validUsage(u: unknown): boolean {
  return isObject(u) && isNumber(u.prompt_tokens) && isNumber(u.completion_tokens) && isNumber(u.total_tokens);
}

export function parseCompletion(value: unknown): ChatCompletion | null {
  const result = v.safeParse(CompletionSchema, value);
  return result.success ? (result.output as ChatCompletion) : null;
}

/** A stream request answered with a whole JSON completion: replay it as the chunks it would have been. */
export function completionToChunks(completion: ChatCompletion): ChatChunk[] {
  const base = {
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
  };
  const chunks: ChatChunk[] = completion.choices.map((choice) => ({
    ...base,
    choices: [
      {
        index: choice.index,
        delta: {
          role: choice.message.role,
          content: choice.message.content,
          ...(choice.message.tool_calls
            ? { tool_calls: choice.message.tool_calls.map((call, index) => ({ index, ...(call as object) })) }
            : {}),
        },
        finish_reason: choice.finish_reason,
      },
    ],
  }));
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}
