// The OpenAI Responses request as the gateway accepts it (POST /v1/responses). Every field the
// translation reads is checked here, so bad input fails with a message naming the field. Objects
// are loose: fields the gateway does not translate (include, truncation, service_tier) are
// ignored, as docs/gateway.md says. Stateful fields are refused apart, in stateless.ts.
import * as v from "valibot";

const nonEmpty = v.pipe(v.string(), v.minLength(1));

const InputText = v.looseObject({ type: v.literal("input_text"), text: v.string() });
/** An image by URL or data URL; `file_id` images live in OpenAI's file store, which a gateway cannot read. */
const InputImage = v.looseObject({
  type: v.literal("input_image"),
  image_url: nonEmpty,
  detail: v.optional(v.nullable(v.picklist(["low", "high", "auto", "original"]))),
});
const OutputText = v.looseObject({ type: v.literal("output_text"), text: v.string() });
const Refusal = v.looseObject({ type: v.literal("refusal"), refusal: v.string() });

const ContentPart = v.variant("type", [InputText, InputImage, OutputText, Refusal]);

/** `type` may be left out of a message item (the SDKs' EasyInputMessage): it defaults to "message". */
const MessageItem = v.looseObject({
  type: v.literal("message"),
  role: v.picklist(["user", "assistant", "system", "developer"]),
  content: v.union([v.string(), v.array(ContentPart)]),
});

const FunctionCallItem = v.looseObject({
  type: v.literal("function_call"),
  call_id: nonEmpty,
  name: nonEmpty,
  arguments: v.string(),
});

const FunctionCallOutputItem = v.looseObject({
  type: v.literal("function_call_output"),
  call_id: nonEmpty,
  output: v.union([v.string(), v.array(v.variant("type", [InputText, InputImage]))]),
});

/** Reasoning items sent back by clients carry no text a chat upstream can take; they are dropped. */
const ReasoningItem = v.looseObject({ type: v.literal("reasoning") });
/** Accepted by the schema only so the handler can say why it is refused (stateless.ts). */
const ItemReference = v.looseObject({ type: v.literal("item_reference"), id: v.string() });

const Item = v.pipe(
  v.looseObject({ type: v.optional(v.string()) }),
  v.transform((item) => (item.type === undefined ? { ...item, type: "message" } : item)),
  v.variant("type", [MessageItem, FunctionCallItem, FunctionCallOutputItem, ReasoningItem, ItemReference]),
);

/** Function tools only: hosted tools (web search, file search, computer use…) run at OpenAI, not through a gateway. */
const FunctionTool = v.looseObject({
  type: v.literal("function"),
  name: nonEmpty,
  description: v.optional(v.nullable(v.string())),
  parameters: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  strict: v.optional(v.nullable(v.boolean())),
});

const ToolChoice = v.union([
  v.picklist(["none", "auto", "required"]),
  v.looseObject({ type: v.literal("function"), name: nonEmpty }),
]);

const TextFormat = v.variant("type", [
  v.looseObject({ type: v.literal("text") }),
  v.looseObject({ type: v.literal("json_object") }),
  v.looseObject({
    type: v.literal("json_schema"),
    name: nonEmpty,
    schema: v.record(v.string(), v.unknown()),
    description: v.optional(v.string()),
    strict: v.optional(v.nullable(v.boolean())),
  }),
]);

const Reasoning = v.looseObject({
  effort: v.optional(v.nullable(v.picklist(["none", "minimal", "low", "medium", "high", "xhigh"]))),
});

export const ResponsesBody = v.looseObject({
  model: nonEmpty,
  input: v.union([v.string(), v.pipe(v.array(Item), v.minLength(1))]),
  instructions: v.optional(v.nullable(v.string())),
  tools: v.optional(v.nullable(v.array(v.variant("type", [FunctionTool])))),
  tool_choice: v.optional(v.nullable(ToolChoice)),
  parallel_tool_calls: v.optional(v.nullable(v.boolean())),
  text: v.optional(v.nullable(v.looseObject({ format: v.optional(v.nullable(TextFormat)) }))),
  max_output_tokens: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1)))),
  temperature: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(2)))),
  top_p: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(1)))),
  reasoning: v.optional(v.nullable(Reasoning)),
  metadata: v.optional(v.nullable(v.record(v.string(), v.string()))),
  user: v.optional(v.nullable(v.string())),
  stream: v.optional(v.nullable(v.boolean())),
  store: v.optional(v.nullable(v.boolean())),
  previous_response_id: v.optional(v.nullable(v.string())),
});
export type ResponsesBody = v.InferOutput<typeof ResponsesBody>;
export type InputItem = v.InferOutput<typeof Item>;
export type ContentPart = v.InferOutput<typeof ContentPart>;
