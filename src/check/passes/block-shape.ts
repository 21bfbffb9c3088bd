// Every block against its schema: unknown keys (with did-you-mean, or where the key belongs),
// duplicate keys, rules outside routes, and each value's kind, word and range.
import type { Block, Decl, Policy, Property } from "../../syntax/ast.ts";
import { didYouMean } from "../../util/edit-distance.ts";
import type { CheckContext } from "../context.ts";
import { DECL_SCHEMAS, settingsSchema, type BlockSchema } from "../schema.ts";
import { checkValue } from "../values.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkBlockShape(policy: Policy, ctx: CheckContext): void {
  for (const decl of policy.items) checkBlock(DECL_SCHEMAS[decl.kind], decl.body, decl, decl.kind === "route", ctx);
}

/**
 * Where a block sits, for messages, described only when something is reported: its declaration,
 * a rule's target settings, or the key of the nested block (`retry`).
 */
type Where = Decl | typeof TARGET_SETTINGS | string;

const TARGET_SETTINGS = { description: "a target's settings" } as const;

function describe(where: Where): string {
  if (typeof where === "string") return `\`${where}\``;
  if (where === TARGET_SETTINGS) return where.description;
  const decl = where as Decl;
  return decl.name ? `${decl.kind} \`${decl.name.value}\`` : `\`${decl.kind}\``;
}

function checkBlock(schema: BlockSchema, block: Block, where: Where, allowRules: boolean, ctx: CheckContext): void {
  const members = block.members;
  // Blocks are small: scanning earlier members for a repeated key beats a Map per block, until one is large.
  const seen = members.length > 16 ? new Map<string, Property>() : null;
  for (let i = 0; i < members.length; i++) {
    const member = members[i];
    if (member.kind === "rule") {
      if (!allowRules)
        ctx.report(
          "SY2009",
          CHECK_MESSAGES.SY2009.ruleOutsideRoute({ where: describe(where) }),
          member.keyword.span,
          "rule outside a route",
          { help: "move the rule into a `route` block" },
        );
      else if (member.settings) checkBlock(settingsSchema, member.settings, TARGET_SETTINGS, false, ctx);
      continue;
    }
    const key = member.key.name;
    const first = seen ? seen.get(key) : earlierWithKey(members, i, key);
    if (first) {
      ctx.report(
        "SY2007",
        CHECK_MESSAGES.SY2007.setTwiceIn({ key, where: describe(where) }),
        member.key.span,
        "set again here",
        {
          secondary: [ctx.label(first.key.span, "first set here")],
          help: "keep one of them",
        },
      );
      continue;
    }
    seen?.set(key, member);
    const field = schema[key];
    if (!field) {
      unknownKey(member, schema, describe(where), ctx);
      continue;
    }
    if (field.type === "block" && member.value.kind === "block")
      checkBlock(field.fields, member.value, key, false, ctx);
    else if ((field.type === "headers" || field.type === "tags") && member.value.kind === "block")
      checkHeaders(member.value, ctx, field.type === "tags" ? "tag" : "header");
    else checkValue(field, member.value, key, ctx);
  }
}

/** The first property before index `i` with this key, if any. */
function earlierWithKey(members: Block["members"], i: number, key: string): Property | undefined {
  for (let j = 0; j < i; j++) {
    const m = members[j];
    if (m.kind === "property" && m.key.name === key) return m;
  }
  return undefined;
}

function unknownKey(member: Property, schema: BlockSchema, where: string, ctx: CheckContext): void {
  const key = member.key.name;
  const home = homeOf(key, schema);
  ctx.report("SY2001", CHECK_MESSAGES.SY2001.unknownSetting({ key, where }), member.key.span, "unknown setting", {
    help:
      didYouMean(key, Object.keys(schema)) ??
      home ??
      `known settings here: ${Object.keys(schema)
        .map((k) => `\`${k}\``)
        .join(", ")}`,
  });
}

/** "`attempts` belongs in `retry { … }`" when a settings key is written one level too high. */
function homeOf(key: string, schema: BlockSchema): string | null {
  for (const [name, field] of Object.entries(schema)) {
    if (field.type !== "block") continue;
    if (key in field.fields) return `\`${key}\` belongs in \`${name} { … }\``;
    for (const [inner, f] of Object.entries(field.fields)) {
      if (f.type === "block" && key in f.fields) return `\`${key}\` belongs in \`${name} { ${inner} { … } }\``;
    }
  }
  return null;
}

/** A block of `name "value"` pairs: `headers` (names ignore case) and `tags`. */
function checkHeaders(block: Block, ctx: CheckContext, noun: "header" | "tag"): void {
  const seen = new Map<string, Property>();
  for (const member of block.members) {
    if (member.kind === "rule") {
      ctx.report(
        "SY2009",
        CHECK_MESSAGES.SY2009.ruleOutsideRoute({ where: `\`${noun}s\`` }),
        member.keyword.span,
        "rule outside a route",
        { help: "move the rule into a `route` block" },
      );
      continue;
    }
    const name = noun === "header" ? member.key.name.toLowerCase() : member.key.name;
    const first = seen.get(name);
    if (first) {
      ctx.report(
        "SY2007",
        CHECK_MESSAGES.SY2007.setTwice({ noun, key: member.key.name }),
        member.key.span,
        "set again here",
        {
          secondary: [ctx.label(first.key.span, "first set here")],
          help: noun === "header" ? "header names ignore case; keep one of them" : "keep one of them",
        },
      );
    } else seen.set(name, member);
    if (member.value.kind !== "string") {
      ctx.report(
        "SY2002",
        CHECK_MESSAGES.SY2002.notAString({ noun, key: member.key.name }),
        member.value.span,
        "not a string",
        {
          help: "quote the value",
        },
      );
    }
  }
}
