// Reads a declaration's properties through the checker's schema (read-value.ts), so `20%`, `1M/day`
// or `env("X")` mean the same to the compiler as to the checker. Anything unreadable comes back
// `undefined` and the caller's documented default applies: a checker gap degrades, never crashes.
// Blocks are tiny, so a linear scan per key beats building a map per block (large policies have
// thousands of them).
import type { Block, Value } from "../syntax/ast.ts";
import { readValue, type CanonicalValue } from "../check/read-value.ts";
import type { BlockSchema } from "../check/schema.ts";

const EMPTY: BlockSchema = {};

export class Fields {
  constructor(
    private readonly body: Block | null | undefined,
    private readonly schema: BlockSchema,
  ) {}

  /** The canonical value of `key` (first occurrence), or undefined when absent or unreadable. */
  get<T extends CanonicalValue>(key: string): T | undefined {
    const field = this.schema[key];
    const value = this.raw(key);
    return field && value !== undefined ? (readValue(field, value) as T | undefined) : undefined;
  }

  /** The nested block under `key`, read against its own schema (empty when absent). */
  block(key: string): Fields {
    const field = this.schema[key];
    const value = this.raw(key);
    return new Fields(value?.kind === "block" ? value : null, field?.type === "block" ? field.fields : EMPTY);
  }

  private raw(key: string): Value | undefined {
    for (const m of this.body?.members ?? []) if (m.kind === "property" && m.key.name === key) return m.value;
    return undefined;
  }
}

export function fieldsOf(block: Block | null | undefined, schema: BlockSchema): Fields {
  return new Fields(block, schema);
}
