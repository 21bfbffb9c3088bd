// What the cursor is on, beyond symbol names: a setting key (with its schema entry and path, e.g.
// `retry.backoff.base` in a route) or a rule's `when` / `otherwise` keyword (with its route).
import { DECL_SCHEMAS, settingsSchema, type BlockSchema, type FieldSchema } from "../check/schema.ts";
import type { Block, Decl, Policy, Rule } from "../syntax/ast.ts";

export interface SettingAt {
  kind: "setting";
  decl: Decl;
  /** Dotted path from the declaration body, e.g. `timeout.total`. */
  path: string;
  field: FieldSchema;
  span: { start: number; end: number };
}

export interface RuleAt {
  kind: "rule";
  route: Decl;
  rule: Rule;
  span: { start: number; end: number };
}

/** The schema of a declaration's body; rules' own blocks use the settings schema too. */
export function schemaOf(kind: Decl["kind"]): BlockSchema {
  return DECL_SCHEMAS[kind] ?? settingsSchema;
}

const inside = (span: { start: number; end: number }, offset: number) => span.start <= offset && offset <= span.end;

export function settingOrRuleAt(policy: Policy, offset: number): SettingAt | RuleAt | null {
  const decl = policy.items.find((d) => inside(d.span, offset));
  if (!decl) return null;
  for (const m of decl.body.members) {
    if (m.kind !== "rule") continue;
    if (inside(m.keyword.span, offset)) return { kind: "rule", route: decl, rule: m, span: m.keyword.span };
    if (m.settings && inside(m.settings.span, offset)) return keyIn(decl, m.settings, settingsSchema, "", offset);
  }
  return keyIn(decl, decl.body, schemaOf(decl.kind), "", offset);
}

function keyIn(decl: Decl, block: Block, schema: BlockSchema, prefix: string, offset: number): SettingAt | null {
  for (const m of block.members) {
    if (m.kind !== "property" || !Object.hasOwn(schema, m.key.name)) continue;
    const field = schema[m.key.name];
    const path = prefix + m.key.name;
    if (inside(m.key.span, offset)) return { kind: "setting", decl, path, field, span: m.key.span };
    if (field.type === "block" && m.value.kind === "block" && inside(m.value.span, offset))
      return keyIn(decl, m.value, field.fields, `${path}.`, offset);
  }
  return null;
}

/** The schema entry at a dotted path, for completion inside nested blocks. */
export function fieldsAt(root: BlockSchema, path: readonly string[]): BlockSchema | null {
  let schema = root;
  for (const key of path) {
    const field = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (!field || field.type !== "block") return null;
    schema = field.fields;
  }
  return schema;
}
