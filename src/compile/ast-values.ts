// Reads a declaration's properties through the checker's schema (read-value.ts), so `20%`, `1M/day`
// or `env("X")` mean the same to the compiler as to the checker. Anything unreadable is left out
// and the caller's documented default applies: a checker gap degrades, never crashes. One pass per
// block, since large policies have thousands of them.
import type { Block } from "../syntax/ast.ts";
import { readValue, type CanonicalValue } from "../check/read-value.ts";
import type { BlockSchema } from "../check/schema.ts";

/** Canonical values by key; nested blocks (`price`, `quota`, `outage`) are read the same way. */
export interface Fields {
  [key: string]: CanonicalValue | Fields | undefined;
}

export function readBlock(block: Block | null | undefined, schema: BlockSchema): Fields {
  const out: Fields = {};
  if (!block) return out;
  for (const m of block.members) {
    if (m.kind !== "property") continue;
    const key = m.key.name;
    const field = schema[key];
    if (field === undefined || key in out) continue; // the first occurrence wins, as in the checker
    if (field.type === "block") {
      if (m.value.kind === "block") out[key] = readBlock(m.value, field.fields);
    } else {
      const value = readValue(field, m.value);
      if (value !== undefined) out[key] = value;
    }
  }
  return out;
}
