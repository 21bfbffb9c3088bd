// What a simulated reply looks like when the request asks for more than text: JSON for
// `response_format: json_object`, an object shaped by the schema for `json_schema`, a tool call
// when tools are offered and `tool_choice` requires or allows one, and `n` choices. Values are
// small and deterministic: drawn from a generator seeded by the request's `seed` and messages, so
// the same request gets the same reply from whichever simulated provider serves it. Plain text
// requests never come here (see `needsShape`), so they pay nothing for it.

/** One choice's reply: text content, or one tool call. */
export type ShapedChoice =
  | { kind: "content"; text: string }
  | { kind: "tool"; id: string; name: string; arguments: string };

export interface ShapedReply {
  choices: ShapedChoice[];
  finish: "stop" | "tool_calls";
}

type Schema = Record<string, unknown>;
const MAX_DEPTH = 8;
const MAX_CHOICES = 128;

/** A request that wants something other than one plain text choice. */
export function needsShape(body: Record<string, unknown>): boolean {
  return body.response_format !== undefined || body.tools !== undefined || (body.n !== undefined && body.n !== 1);
}

/** Choices requested (`n`), 1 when absent, capped at OpenAI's maximum. */
export function choiceCount(body: Record<string, unknown>): number {
  const n = Number(body.n ?? 1);
  return Number.isInteger(n) && n > 1 ? Math.min(n, MAX_CHOICES) : 1;
}

/** mulberry32: tiny, fast, and good enough to vary simulated values. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the request's `seed` and messages: equal requests draw equal values. */
function seedOf(body: Record<string, unknown>): number {
  const text = `${String(body.seed ?? "")}|${JSON.stringify(body.messages ?? null)}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const isObject = (x: unknown): x is Schema => typeof x === "object" && x !== null && !Array.isArray(x);

/** Follows a local `$ref` (`#/$defs/x`, `#/definitions/x`); anything else resolves to `{}`. */
function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/"))
    node = isObject(node) ? node[part.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
  return isObject(node) ? node : {};
}

/** The schema's type, taking the first non-null one of a list and guessing from its keywords. */
function typeOf(schema: Schema): string {
  const t = schema.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return String(t.find((x) => x !== "null") ?? "null");
  if (isObject(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return "string";
}

function numberFor(schema: Schema, rng: () => number, integer: boolean): number {
  const min =
    typeof schema.minimum === "number"
      ? schema.minimum
      : typeof schema.exclusiveMinimum === "number"
        ? schema.exclusiveMinimum + 1
        : 0;
  const max =
    typeof schema.maximum === "number"
      ? schema.maximum
      : typeof schema.exclusiveMaximum === "number"
        ? schema.exclusiveMaximum - 1
        : min + 100;
  const x = min + rng() * Math.max(0, max - min);
  return integer ? Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(x))) : Math.round(x * 100) / 100;
}

function stringFor(schema: Schema, rng: () => number): string {
  let s = `token${1 + Math.floor(rng() * 1000)}`;
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  while (s.length < min) s += ` token${1 + Math.floor(rng() * 1000)}`;
  return typeof schema.maxLength === "number" ? s.slice(0, schema.maxLength) : s;
}

/** A small value that validates against `schema` (for the keywords listed in the module comment). */
export function valueFor(input: Schema, rng: () => number, root: Schema, depth = 0): unknown {
  const schema = resolve(input, root);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[Math.floor(rng() * schema.enum.length)];
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (Array.isArray(variants) && isObject(variants[0]))
    return valueFor(
      { ...schema, anyOf: undefined, oneOf: undefined, allOf: undefined, ...variants[0] },
      rng,
      root,
      depth,
    );
  switch (typeOf(schema)) {
    case "object":
      return objectFor(schema, rng, root, depth);
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      const max = typeof schema.maxItems === "number" ? schema.maxItems : min + 2;
      const count = depth >= MAX_DEPTH ? min : Math.min(max, Math.max(min, 2));
      const items = isObject(schema.items) ? schema.items : {};
      return Array.from({ length: count }, () => valueFor(items, rng, root, depth + 1));
    }
    case "integer":
      return numberFor(schema, rng, true);
    case "number":
      return numberFor(schema, rng, false);
    case "boolean":
      return rng() < 0.5;
    case "null":
      return null;
    default:
      return stringFor(schema, rng);
  }
}

/** Every declared property (required or not); nothing extra, so `additionalProperties: false` holds. */
function objectFor(schema: Schema, rng: () => number, root: Schema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  for (const [name, sub] of Object.entries(props)) {
    if (depth >= MAX_DEPTH && !required.has(name)) continue;
    out[name] = valueFor(isObject(sub) ? sub : {}, rng, root, depth + 1);
  }
  return out;
}

interface ToolSpec {
  name: string;
  parameters: Schema;
}

/** The tool to call, or null when `tool_choice` forbids one or the conversation just got a result. */
function pickTool(body: Record<string, unknown>): ToolSpec | null {
  const tools = (Array.isArray(body.tools) ? body.tools : [])
    .map((t) => (isObject(t) && isObject(t.function) ? t.function : null))
    .filter((f): f is Schema => f !== null && typeof f.name === "string");
  if (tools.length === 0) return null;
  const choice = body.tool_choice;
  if (choice === "none") return null;
  const named = isObject(choice) && isObject(choice.function) ? String(choice.function.name) : null;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  // `auto` after a tool result answers in text, or an agent loop would call tools forever
  if (named === null && choice !== "required" && (messages.at(-1) as { role?: unknown } | undefined)?.role === "tool")
    return null;
  const tool = named === null ? tools[0] : tools.find((t) => t.name === named);
  return tool ? { name: String(tool.name), parameters: isObject(tool.parameters) ? tool.parameters : {} } : null;
}

/** The JSON a json mode asks for, or null for plain text. */
function jsonFor(body: Record<string, unknown>, rng: () => number, text: string): string | null {
  const format = isObject(body.response_format) ? body.response_format : null;
  if (format?.type === "json_schema") {
    const spec = isObject(format.json_schema) ? format.json_schema : {};
    const schema = isObject(spec.schema) ? spec.schema : {};
    return JSON.stringify(valueFor(schema, rng, schema));
  }
  if (format?.type === "json_object") return JSON.stringify({ answer: text, tokens: text.split(" ").length });
  return null;
}

/**
 * The reply for a request that `needsShape`: `n` choices, each a tool call, JSON, or `text` (the
 * simulated reply's usual `token1 token2 …`). `callId` numbers this reply's tool calls.
 */
export function shapedReply(body: Record<string, unknown>, text: string, callId: string): ShapedReply {
  const rng = generator(seedOf(body));
  const tool = pickTool(body);
  const choices: ShapedChoice[] = [];
  for (let i = 0; i < choiceCount(body); i++) {
    if (tool)
      choices.push({
        kind: "tool",
        id: `call_${callId}_${i}`,
        name: tool.name,
        arguments: JSON.stringify(valueFor(tool.parameters, rng, tool.parameters)),
      });
    else choices.push({ kind: "content", text: jsonFor(body, rng, text) ?? text });
  }
  return { choices, finish: tool ? "tool_calls" : "stop" };
}
