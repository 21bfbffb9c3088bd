// Hover text, in Markdown, built from the compiler's and checker's own tables: a model as the
// compiler reads it (provider, capabilities, context, price), a provider's kind and models, a
// route or rule's settings after inheritance (the graph printer's lines), and a setting's
// documented meaning and default straight from the checker (src/check/schema.ts and defaults.ts), the one table.
import {
  BUILTIN_DEFAULTS,
  GATEWAY_DEFAULTS,
  MODEL_DEFAULTS,
  PROVIDER_DEFAULT_BASE_URL,
  SIM_DEFAULTS,
  resolveSettings,
  type FieldSchema,
} from "../check/index.ts";
import { declsOf } from "../check/walk.ts";
import { compileModel, compileProvider } from "../compile/declarations.ts";
import { settingsLines } from "../compile/print/text.ts";
import { duration, limit, money, percent, size, statuses } from "../compile/print/units.ts";
import { toGraphSettings } from "../compile/settings.ts";
import type { Decl, Policy, Rule } from "../syntax/ast.ts";
import { occurrenceAt, type Occurrence } from "./occurrences.ts";
import { settingOrRuleAt, type SettingAt } from "./settings-at.ts";

export interface HoverText {
  markdown: string;
  span: { start: number; end: number };
}

const fence = (lines: string[]) => ["```", ...lines, "```"].join("\n");

export function hoverAt(policy: Policy, occurrences: readonly Occurrence[], offset: number): HoverText | null {
  const occ = occurrenceAt(occurrences, offset);
  if (occ) {
    const decl = policy.items.find((d) => d.kind === occ.kind && d.name?.value === occ.name);
    if (!decl) return { markdown: `unknown ${occ.kind} \`${occ.name}\``, span: occ.span };
    const text =
      occ.kind === "model"
        ? modelHover(decl)
        : occ.kind === "provider"
          ? providerHover(policy, decl)
          : routeHover(policy, decl, null);
    return { markdown: text, span: occ.span };
  }
  const at = settingOrRuleAt(policy, offset);
  if (at?.kind === "rule") return { markdown: routeHover(policy, at.route, at.rule), span: at.span };
  if (at?.kind === "setting") return { markdown: settingHover(at), span: at.span };
  return null;
}

function modelHover(decl: Decl): string {
  const m = compileModel(decl);
  const lines = [
    `model ${m.name}`,
    `provider  ${m.provider}${m.upstream !== m.name ? `  (upstream "${m.upstream}")` : ""}`,
    `can       [${m.capNames.join(", ")}]`,
    `context   ${size(m.contextWindow)} tokens, max output ${size(m.maxOutput)}`,
    `price     ${money(m.priceIn)} in, ${money(m.priceOut)} out per 1M tokens`,
    ...m.limits.map((l) => `quota     ${limit(l)}`),
  ];
  return fence(lines);
}

function providerHover(policy: Policy, decl: Decl): string {
  const p = compileProvider(decl);
  const models = declsOf(policy, "model").filter((m) =>
    m.body.members.some(
      (x) => x.kind === "property" && x.key.name === "provider" && x.value.kind === "ident" && x.value.name === p.name,
    ),
  );
  const lines = [
    `provider ${p.name}`,
    `kind      ${p.kind}`,
    ...(p.baseUrl ? [`base_url  ${p.baseUrl}`] : []),
    ...(p.keyEnv ? [`key       env("${p.keyEnv}")`] : []),
    ...p.limits.map((l) => `quota     ${limit(l)}`),
    `models    ${models.map((m) => m.name?.value).join(", ") || "none"}`,
  ];
  return fence(lines);
}

/** The settings a route (or one of its rules) runs with, and which layer set each one. */
function routeHover(policy: Policy, route: Decl, rule: Rule | null): string {
  const defaults = declsOf(policy, "defaults")[0]?.body;
  const { values, origin } = resolveSettings([defaults, route.body, rule?.settings]);
  const layerOf = (start: number) =>
    rule?.settings && rule.settings.span.start <= start && start <= rule.settings.span.end
      ? "rule"
      : route.body.span.start <= start && start <= route.body.span.end
        ? "route"
        : "defaults";
  const set = [...origin].map(([path, value]) => `${path} (${layerOf(value.span.start)})`);
  const head = rule
    ? `${rule.keyword.text} rule of route ${route.name?.value ?? ""}`
    : `route ${route.name?.value ?? ""}`;
  return [
    `**${head}**: settings after inheritance`,
    fence(settingsLines(toGraphSettings(values))),
    set.length ? `set by the policy: ${set.join(", ")}; the rest are built-in defaults` : "all built-in defaults",
  ].join("\n\n");
}

function settingHover(at: SettingAt): string {
  const def = defaultText(at);
  return [`**${at.path}** (${at.decl.kind}): ${at.field.doc}`, ...(def === null ? [] : [`default: \`${def}\``])].join(
    "\n\n",
  );
}

/** The built-in default of a setting, printed as a policy would write it; null when there is none. */
function defaultText(at: SettingAt): string | null {
  if (at.decl.kind === "provider" && at.path === "base_url")
    return Object.entries(PROVIDER_DEFAULT_BASE_URL)
      .map(([k, u]) => `${k}: ${u}`)
      .join(", ");
  const table: Record<string, unknown> | null =
    at.decl.kind === "model"
      ? MODEL_DEFAULTS
      : at.decl.kind === "gateway"
        ? GATEWAY_DEFAULTS
        : at.decl.kind === "provider"
          ? SIM_DEFAULTS
          : (BUILTIN_DEFAULTS as unknown as Record<string, unknown>);
  let value: unknown = table;
  for (const key of at.path.split("."))
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined ? null : printValue(at.field, value);
}

function printValue(field: FieldSchema, value: unknown): string | null {
  switch (field.type) {
    case "duration":
      return duration(value as number);
    case "percent":
      return percent(value as number);
    case "money":
      return money(value as number);
    case "count":
      return size(value as number);
    case "retry_on": {
      const on = value as { statuses: number[]; classes: string[] };
      return `[${[...statuses(on.statuses), ...on.classes].join(", ")}]`;
    }
    case "block":
      return null;
    default:
      return String(value);
  }
}
