// The Anthropic Messages request as the gateway accepts it (POST /v1/messages and count_tokens).
// Every field the translation reads is checked here, so bad input fails with a message naming the
// field instead of surfacing later as an upstream error. Objects are loose: fields the gateway
// does not translate (cache_control, citations, service_tier) are ignored, as docs/gateway.md says.
import * as v from "valibot";

const nonEmpty = v.pipe(v.string(), v.minLength(1));

const TextBlock = v.looseObject({ type: v.literal("text"), text: v.string() });

const ImageSource = v.variant("type", [
  v.looseObject({
    type: v.literal("base64"),
    media_type: v.picklist(["image/jpeg", "image/png", "image/gif", "image/webp"]),
    data: nonEmpty,
  }),
  v.looseObject({ type: v.literal("url"), url: v.pipe(v.string(), v.url()) }),
]);
const ImageBlock = v.looseObject({ type: v.literal("image"), source: ImageSource });

const ToolUseBlock = v.looseObject({
  type: v.literal("tool_use"),
  id: nonEmpty,
  name: nonEmpty,
  input: v.record(v.string(), v.unknown()),
});

const ToolResultBlock = v.looseObject({
  type: v.literal("tool_result"),
  tool_use_id: nonEmpty,
  content: v.optional(v.union([v.string(), v.array(v.variant("type", [TextBlock, ImageBlock]))])),
  is_error: v.optional(v.boolean()),
});

const ThinkingBlock = v.looseObject({
  type: v.literal("thinking"),
  thinking: v.string(),
  signature: v.optional(v.string()),
});
const RedactedThinkingBlock = v.looseObject({ type: v.literal("redacted_thinking"), data: v.string() });

const ContentBlock = v.variant("type", [
  TextBlock,
  ImageBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);

const Message = v.looseObject({
  role: v.picklist(["user", "assistant"]),
  content: v.union([v.string(), v.array(ContentBlock)]),
});

/** Client tools only: server tools (web search, code execution…) run at Anthropic, not through a gateway. */
const Tool = v.looseObject({
  type: v.optional(v.nullable(v.literal("custom"))),
  name: nonEmpty,
  description: v.optional(v.string()),
  input_schema: v.looseObject({ type: v.literal("object") }),
});

const ToolChoice = v.variant("type", [
  v.looseObject({ type: v.literal("auto"), disable_parallel_tool_use: v.optional(v.boolean()) }),
  v.looseObject({ type: v.literal("any"), disable_parallel_tool_use: v.optional(v.boolean()) }),
  v.looseObject({ type: v.literal("tool"), name: nonEmpty, disable_parallel_tool_use: v.optional(v.boolean()) }),
  v.looseObject({ type: v.literal("none") }),
]);

const Thinking = v.variant("type", [
  v.looseObject({ type: v.literal("enabled"), budget_tokens: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  v.looseObject({ type: v.literal("adaptive") }),
  v.looseObject({ type: v.literal("disabled") }),
]);

const unit = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

const common = {
  model: nonEmpty,
  messages: v.pipe(v.array(Message), v.minLength(1)),
  system: v.optional(v.union([v.string(), v.array(TextBlock)])),
  tools: v.optional(v.array(Tool)),
  tool_choice: v.optional(ToolChoice),
  thinking: v.optional(Thinking),
};

export const MessagesBody = v.looseObject({
  ...common,
  max_tokens: v.pipe(v.number(), v.integer(), v.minValue(1)),
  stream: v.optional(v.boolean()),
  stop_sequences: v.optional(v.array(v.string())),
  temperature: v.optional(unit),
  top_p: v.optional(unit),
  top_k: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  metadata: v.optional(v.looseObject({ user_id: v.optional(v.nullable(v.string())) })),
});
export type MessagesBody = v.InferOutput<typeof MessagesBody>;

/** count_tokens takes what shapes the prompt; it needs no max_tokens. */
export const CountTokensBody = v.looseObject(common);
export type CountTokensBody = v.InferOutput<typeof CountTokensBody>;

export type ContentBlock = v.InferOutput<typeof ContentBlock>;
export type ToolChoice = v.InferOutput<typeof ToolChoice>;
