// Completion from the cursor context (cursor-context.ts) and the language's own tables: keywords
// valid where the cursor is, the schema's keys for the open block (src/check/schema.ts), declared
// names where a name goes, capability and other fixed words (src/syntax/vocabulary.ts), and units
// after a number that fit the setting being written.
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver/node";
import { settingsSchema, type BlockSchema, type FieldSchema } from "../check/schema.ts";
import type { Decl, Policy } from "../syntax/ast.ts";
import { CAPABILITIES, FAILURE_CLASSES, STRATEGIES } from "../syntax/vocabulary.ts";
import { cursorContext, type CursorContext } from "./cursor-context.ts";
import { fieldsAt, schemaOf } from "./settings-at.ts";

const DECL_KEYWORDS = ["provider", "model", "route", "defaults", "gateway", "key", "team"];
const RULE_KEYWORDS = ["when", "otherwise"];
const COND_WORDS = ["tokens", "header", "metadata", "param", "key", "tag", "not", "and", "or"];
const UNITS: Record<string, string[]> = {
  duration: ["ms", "s", "m", "h", "d"],
  count: ["k", "M", "G"],
  percent: ["%"],
  limits: ["/s", "/min", "/h", "/day", "/month"],
};
const ALL_UNITS = [...UNITS.duration, ...UNITS.count, ...UNITS.percent, ...UNITS.limits];

const items = (labels: readonly string[], kind: CompletionItemKind, detail?: string): CompletionItem[] =>
  labels.map((label) => ({ label, kind, ...(detail ? { detail } : {}) }));

export function completionsAt(text: string, offset: number, policy: Policy | null): CompletionItem[] {
  const ctx = cursorContext(text, offset);
  const names = (kind: "provider" | "model" | "route") =>
    items(
      (policy?.items ?? []).filter((d) => d.kind === kind && d.name).map((d) => d.name!.value),
      CompletionItemKind.Reference,
      kind,
    );
  if (ctx.blocks.length === 0) return ctx.words.length === 0 ? items(DECL_KEYWORDS, CompletionItemKind.Keyword) : [];
  const [declKind] = ctx.blocks[0];
  const inRoute = declKind === "route" && ctx.blocks.length === 1;
  if (inRoute && RULE_KEYWORDS.includes(ctx.words[0]))
    return ruleCompletions(ctx, names).filter((i) => i.label !== ctx.blocks[0][1]); // a route never targets itself
  const fields = fieldsOfBlock(ctx.blocks);
  const key = ctx.list?.at(-1) ?? (ctx.words.length % 2 === 1 ? ctx.words.at(-1) : undefined);
  const field = key !== undefined && fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (/^\$?\d[\d_.]*$/.test(ctx.partial)) return unitCompletions(ctx, field);
  if (key === undefined) {
    const keys = Object.entries(fields ?? {}).map(([label, f]) => ({
      label,
      kind: CompletionItemKind.Property,
      detail: f.doc,
    }));
    return inRoute ? [...keys, ...items(RULE_KEYWORDS, CompletionItemKind.Keyword)] : keys;
  }
  return field ? valueCompletions(field, names) : [];
}

/** The schema of the innermost open block: a declaration's, or a rule's settings block, and nested keys. */
function fieldsOfBlock(blocks: readonly string[][]): BlockSchema | null {
  const ruleAt = blocks.findIndex((head) => RULE_KEYWORDS.includes(head[0]));
  const declKind = blocks[0][0];
  if (ruleAt < 0 && !DECL_KEYWORDS.includes(declKind)) return null; // not inside a declaration we know
  const root = ruleAt >= 0 ? settingsSchema : schemaOf(declKind as Decl["kind"]);
  const path = blocks.slice(ruleAt >= 0 ? ruleAt + 1 : 1).map((head) => head.at(-1) ?? "");
  return fieldsAt(root, path);
}

function ruleCompletions(
  ctx: CursorContext,
  names: (kind: "provider" | "model" | "route") => CompletionItem[],
): CompletionItem[] {
  const arrow = ctx.words.indexOf("->");
  if (arrow < 0) {
    return ctx.words[0] === "when"
      ? [
          ...items(CAPABILITIES, CompletionItemKind.EnumMember, "capability"),
          ...items(COND_WORDS, CompletionItemKind.Keyword),
        ]
      : items(["->"], CompletionItemKind.Operator);
  }
  if (ctx.words.at(-1) === "route") return names("route");
  if (ctx.list !== null) return names("model");
  return [
    ...names("model"),
    ...items(STRATEGIES, CompletionItemKind.Function, "strategy"),
    ...items(["route", "split"], CompletionItemKind.Keyword),
  ];
}

function valueCompletions(
  field: FieldSchema,
  names: (kind: "provider" | "model" | "route") => CompletionItem[],
): CompletionItem[] {
  switch (field.type) {
    case "provider_ref":
      return names("provider");
    case "caps":
      return items(CAPABILITIES, CompletionItemKind.EnumMember, "capability");
    case "retry_on":
      return items(FAILURE_CLASSES, CompletionItemKind.EnumMember, "failure class");
    case "word":
      return items(field.words, CompletionItemKind.EnumMember);
    case "bool":
      return items(["true", "false"], CompletionItemKind.Keyword);
    case "secret":
      return [{ label: 'env("")', kind: CompletionItemKind.Function, detail: "an environment variable" }];
    default:
      return [];
  }
}

/** `10` → `10ms`, `10s`, …: the number typed so far with each unit the setting accepts. */
function unitCompletions(ctx: CursorContext, field: FieldSchema | undefined): CompletionItem[] {
  const units = field ? (UNITS[field.type] ?? []) : ALL_UNITS;
  return units.map((unit) => ({
    label: ctx.partial + unit,
    kind: CompletionItemKind.Unit,
    detail: field ? field.doc : "unit",
  }));
}
