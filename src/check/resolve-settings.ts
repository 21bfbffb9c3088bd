// Setting inheritance (built-in defaults → `defaults` → route → rule target block) in one place,
// remembering which AST value set each setting so the checker can point at it and the compiler
// can take the resolved numbers. Layers apply one at a time over a shared base (defaults once,
// each route once, then only the rules with their own block), which keeps large policies fast.
import type { Block, Property, Value } from "../syntax/ast.ts";
import { readValue } from "./read-value.ts";
import { BUILTIN_DEFAULTS, type SettingsValues } from "./defaults.ts";
import { settingsSchema, type BlockSchema } from "./schema.ts";

export interface ResolvedSettings {
  values: SettingsValues;
  /** `timeout.total` → the value that set it; absent when the built-in default applies. */
  origin: Map<string, Value>;
}

/** The first property named `key` in a block (a duplicate key is reported by the checker). */
export function findProperty(block: Block, key: string): Property | undefined {
  const members = block.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.kind === "property" && m.key.name === key) return m;
  }
  return undefined;
}

/** Layers from outermost to innermost: the `defaults` body, the route body, the rule's settings block. */
export function resolveSettings(layers: readonly (Block | null | undefined)[]): ResolvedSettings {
  let values: Readonly<SettingsValues> = BUILTIN_DEFAULTS;
  const origin = new Map<string, Value>();
  for (const layer of layers) values = layerSettings(values, layer, origin);
  return { values: structuredClone(values) as SettingsValues, origin };
}

/**
 * `base` with `block`'s settings on top; `base` itself is returned when the block sets nothing.
 * `origin`, when given, receives the value node of every setting the block sets, by path.
 */
export function layerSettings(
  base: Readonly<SettingsValues>,
  block: Block | null | undefined,
  origin?: Map<string, Value>,
): Readonly<SettingsValues> {
  if (!block || !setsAnySetting(block)) return base;
  const values = copyValues(base);
  apply(settingsSchema, block, values as unknown as Record<string, unknown>, "", origin);
  return values;
}

function setsAnySetting(block: Block): boolean {
  for (const m of block.members) if (m.kind === "property" && Object.hasOwn(settingsSchema, m.key.name)) return true;
  return false;
}

function copyValues(v: Readonly<SettingsValues>): SettingsValues {
  return {
    timeout: { ...v.timeout },
    retry: { ...v.retry, backoff: { ...v.retry.backoff }, on: v.retry.on }, // `on` is replaced whole, never mutated
    breaker: { ...v.breaker },
    stream: { ...v.stream },
    failover: { ...v.failover },
    bounds: { ...v.bounds },
    cache: { ...v.cache },
  };
}

/** The first occurrence of a key wins; values of the wrong kind are skipped (the checker reports them). */
function apply(
  schema: BlockSchema,
  block: Block,
  into: Record<string, unknown>,
  prefix: string,
  origin: Map<string, Value> | undefined,
): void {
  const members = block.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.kind !== "property") continue;
    const key = m.key.name;
    if (!Object.hasOwn(schema, key) || isRepeat(members, i, key)) continue;
    const field = schema[key];
    if (field.type === "block") {
      if (m.value.kind === "block")
        apply(field.fields, m.value, into[key] as Record<string, unknown>, origin ? `${prefix}${key}.` : "", origin);
      continue;
    }
    const value = readValue(field, m.value);
    if (value === undefined) continue;
    into[key] = value;
    origin?.set(prefix + key, m.value);
  }
}

/** Whether an earlier member has the same key (blocks are tiny: a scan beats a Set per block). */
function isRepeat(members: Block["members"], i: number, key: string): boolean {
  for (let j = 0; j < i; j++) {
    const m = members[j];
    if (m.kind === "property" && m.key.name === key) return true;
  }
  return false;
}
