// A route without `otherwise` answers some requests with "no rule matched"; usually the author
// forgot the fallback, so it is a warning rather than an error.
import type { Policy } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { declsOf, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkMissingOtherwise(policy: Policy, ctx: CheckContext): void {
  for (const route of declsOf(policy, "route")) {
    const rules = rulesOf(route);
    if (rules.some((r) => r.cond === null)) continue;
    ctx.report(
      "SY3001",
      CHECK_MESSAGES.SY3001.noOtherwise({ route: route.name!.value }),
      route.name!.span,
      rules.length ? "some requests match no rule" : "this route has no rules",
      {
        notes: ["a request no rule matches is refused with an error"],
        help: "add a fallback as the last rule: `otherwise -> [model]`",
      },
    );
  }
}
