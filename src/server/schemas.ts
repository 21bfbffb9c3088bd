// The request bodies we accept, as valibot schemas. Objects are loose: unknown fields pass through
// to the upstream untouched; we validate only what the gateway itself reads or must refuse early.
import * as v from "valibot";

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;

const contentPart = v.looseObject({ type: v.pipe(v.string(), v.minLength(1)) });

const message = v.looseObject({
  role: v.picklist(ROLES),
  content: v.optional(v.nullable(v.union([v.string(), v.array(contentPart)]))),
  name: v.optional(v.string()),
  tool_calls: v.optional(v.nullable(v.array(v.looseObject({})))),
  tool_call_id: v.optional(v.string()),
});

const positiveInt = v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))));

const tool = v.looseObject({
  type: v.picklist(["function"]),
  function: v.looseObject({ name: v.pipe(v.string(), v.minLength(1)) }),
});

export const ChatBody = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1)),
  messages: v.pipe(v.array(message), v.minLength(1)),
  stream: v.optional(v.nullable(v.boolean())),
  stream_options: v.optional(v.nullable(v.looseObject({ include_usage: v.optional(v.boolean()) }))),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  n: positiveInt,
  temperature: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(2)))),
  top_p: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(1)))),
  tools: v.optional(v.nullable(v.array(tool))),
  metadata: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
});

const embeddingInput = v.union([
  v.pipe(v.string(), v.minLength(1)),
  v.pipe(v.array(v.string()), v.minLength(1)),
  v.pipe(v.array(v.number()), v.minLength(1)),
  v.pipe(v.array(v.array(v.number())), v.minLength(1)),
]);

export const EmbeddingsBody = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1)),
  input: embeddingInput,
  encoding_format: v.optional(v.picklist(["float", "base64"])),
  dimensions: positiveInt,
});

export type Validated =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; message: string; param: string | null };

export function validate(schema: typeof ChatBody | typeof EmbeddingsBody, input: unknown): Validated {
  // looseObject would take an array (it is an object to JS), then report `model` as missing.
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, message: "request body must be a json object", param: null };
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, body: result.output as Record<string, unknown> };
  const issue = result.issues[0];
  const path = issuePath(issue.path);
  return { ok: false, message: describeIssue(path, issue), param: path };
}

/** `messages[0].role`: the notation people use in code, unlike valibot's dot path. */
export function issuePath(path: readonly v.IssuePathItem[] | undefined): string | null {
  if (!path || path.length === 0) return null;
  let out = "";
  for (const item of path) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A readable message for a valibot issue at `path` (the field named in backticks). */
export function describeIssue(path: string | null, issue: v.BaseIssue<unknown>): string {
  if (path === null) return "request body must be a json object";
  if (issue.received === "undefined" && issue.kind === "schema") return `\`${path}\` is required`;
  if (issue.type === "min_length" && issue.requirement === 1) return `\`${path}\` must not be empty`;
  // valibot's own message already says what it received ("Invalid integer: Received 5.5").
  if (!issue.expected) return `invalid \`${path}\`: ${issue.message.toLowerCase()}`;
  return `invalid \`${path}\`: expected ${issue.expected}, received ${issue.received}`;
}
