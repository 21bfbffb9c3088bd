// Reads a declaration's properties through the checker's schema (read-value.ts), so `20%`, `1M/day`
// or `env("X")` mean the same to the compiler as to the checker. Anything unreadable comes back
// `undefined` and the caller's documented default applies: a checker gap degrades, never crashes.
import type { Block, Value } from "../syntax/ast.ts";
import { readValue, type CanonicalValue } from "../check/read-value.ts";
import type { BlockSchema } from "../check/schema.ts";

export interface Fields {
  get<T extends CanonicalValue>(key: string): T | undefined;
  block(key: string): Fields;
}

/** A block's properties read against `schema`; nested blocks read against their own field schema. */
export function fieldsOf(block: Block | null | undefined, schema: BlockSchema): Fields {
  const props = new Map<string, Value>();
  for (const m of block?.members ?? []) if (m.kind === "property" && !props.has(m.key.name)) props.set(m.key.name, m.value);
  return {
    get<T extends CanonicalValue>(key: string): T | undefined {
      const field = schema[key];
      const value = props.get(key);
      return field && value !== undefined ? (readValue(field, value) as T | undefined) : undefined;
    },
    block(key: string): Fields {
      const field = schema[key];
      const value = props.get(key);
      return fieldsOf(value?.kind === "block" ? value : null, field?.type === "block" ? field.fields : {});
    },
  };
}
