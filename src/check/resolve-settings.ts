// Setting inheritance (built-in defaults → `defaults` → route → rule target block) in one place,
// remembering which AST value set each setting so the checker can point at it and the compiler
// can take the resolved numbers.
import type { Block, Property, Value } from "../syntax/ast.ts";
import { readValue } from "./read-value.ts";
import { BUILTIN_DEFAULTS, settingsSchema, type BlockSchema, type SettingsValues } from "./schema.ts";

export interface ResolvedSettings {
  values: SettingsValues;
  /** `timeout.total` → the value that set it; absent when the built-in default applies. */
  origin: Map<string, Value>;
}

/** The first property named `key` in a block (a duplicate key is reported by the checker). */
export function findProperty(block: Block, key: string): Property | undefined {
  for (const m of block.members) if (m.kind === "property" && m.key.name === key) return m;
  return undefined;
}

/** Layers from outermost to innermost: the `defaults` body, the route body, the rule's settings block. */
export function resolveSettings(layers: readonly (Block | null | undefined)[]): ResolvedSettings {
  const values = structuredClone(BUILTIN_DEFAULTS) as SettingsValues;
  const origin = new Map<string, Value>();
  for (const layer of layers) if (layer) apply(settingsSchema, layer, values as unknown as Record<string, unknown>, "", origin);
  return { values, origin };
}

function apply(schema: BlockSchema, block: Block, into: Record<string, unknown>, prefix: string, origin: Map<string, Value>): void {
  const seen = new Set<string>();
  for (const m of block.members) {
    if (m.kind !== "property" || seen.has(m.key.name)) continue;
    seen.add(m.key.name);
    const field = schema[m.key.name];
    if (!field) continue;
    const path = prefix + m.key.name;
    if (field.type === "block") {
      if (m.value.kind === "block") apply(field.fields, m.value, into[m.key.name] as Record<string, unknown>, path + ".", origin);
      continue;
    }
    const value = readValue(field, m.value);
    if (value === undefined) continue;
    into[m.key.name] = value;
    origin.set(path, m.value);
  }
}
