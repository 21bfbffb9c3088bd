// Rules are tried top to bottom, so a rule is dead when an earlier one already matches every
// request it would: anything after `otherwise`, a repeated condition, `vision` before
// `vision and tools`, `tokens > 50k` before `tokens > 100k`.
import type { Cond, Policy, Rule } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { implies } from "../implies.ts";
import { declsOf, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkShadowedRules(policy: Policy, ctx: CheckContext): void {
  for (const route of declsOf(policy, "route")) {
    const earlier: Rule[] = [];
    const keys = new Map<Cond, string>();
    let otherwise: Rule | null = null;
    for (const rule of rulesOf(route)) {
      const span = rule.cond?.span ?? rule.keyword.span;
      if (otherwise) {
        ctx.report("SY2021", CHECK_MESSAGES.SY2021.neverMatches(), span, "never reached", {
          secondary: [ctx.label(otherwise.keyword.span, "`otherwise` already catches every request")],
          help: "move this rule above `otherwise`, or remove it",
        });
        continue;
      }
      if (rule.cond === null) {
        otherwise = rule;
        continue;
      }
      const shadow = earlier.find((e) => implies(rule.cond!, e.cond!, keys));
      if (shadow) {
        ctx.report("SY2021", CHECK_MESSAGES.SY2021.neverMatches(), span, "never reached", {
          secondary: [ctx.label(shadow.cond!.span, "this earlier rule matches every such request first")],
          help: "put the more specific rule first, or remove it",
        });
      }
      earlier.push(rule);
    }
  }
}
