// Loose valibot shapes for what OpenAI-compatible upstreams send back. Upstream bodies are
// untrusted: we check only the fields the engine relies on (choices, deltas, usage) and keep every
// other field as it came, so provider extras (system_fingerprint, logprobs) still reach clients.
import * as v from "valibot";
import type { ChatChunk, ChatCompletion } from "../runtime/upstream.ts";

const UsageSchema = v.looseObject({
  prompt_tokens: v.number(),
  completion_tokens: v.number(),
  total_tokens: v.number(),
});

const DeltaSchema = v.looseObject({
  role: v.optional(v.string()),
  content: v.nullish(v.string()),
  reasoning_content: v.nullish(v.string()),
  tool_calls: v.nullish(v.array(v.unknown())),
  refusal: v.nullish(v.string()),
});

const ChunkSchema = v.looseObject({
  choices: v.array(
    v.looseObject({
      index: v.number(),
      delta: v.optional(DeltaSchema, {}),
      finish_reason: v.nullish(v.string()),
    }),
  ),
  usage: v.nullish(UsageSchema),
});

const CompletionSchema = v.looseObject({
  id: v.optional(v.string(), ""),
  object: v.optional(v.literal("chat.completion"), "chat.completion"),
  created: v.optional(v.number(), 0),
  model: v.optional(v.string(), ""),
  choices: v.array(
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
  usage: v.optional(UsageSchema),
});

/** A parsed chunk, or null when it is not one (the caller decides whether to skip or fail). */
export function parseChunk(value: unknown): ChatChunk | null {
  const result = v.safeParse(ChunkSchema, value);
  return result.success ? (result.output as ChatChunk) : null;
}

export function parseCompletion(value: unknown): ChatCompletion | null {
  const result = v.safeParse(CompletionSchema, value);
  return result.success ? (result.output as ChatCompletion) : null;
}

/** A stream request answered with a whole JSON completion: replay it as the chunks it would have been. */
export function completionToChunks(completion: ChatCompletion): ChatChunk[] {
  const base = { id: completion.id, object: "chat.completion.chunk", created: completion.created, model: completion.model };
  const chunks: ChatChunk[] = completion.choices.map((choice) => ({
    ...base,
    choices: [
      {
        index: choice.index,
        delta: {
          role: choice.message.role,
          content: choice.message.content,
          ...(choice.message.tool_calls ? { tool_calls: choice.message.tool_calls.map((call, index) => ({ index, ...(call as object) })) } : {}),
        },
        finish_reason: choice.finish_reason,
      },
    ],
  }));
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}
