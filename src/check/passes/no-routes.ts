// A policy without routes compiles, but a gateway serving it answers every request with 404; an
// empty or comment-only file is almost always the wrong file, so say so.
import type { Policy } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { declsOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkHasRoutes(policy: Policy, ctx: CheckContext): void {
  if (declsOf(policy, "route").length > 0) return;
  const first = policy.items[0];
  const span = first ? (first.name?.span ?? first.keyword.span) : { start: 0, end: 0 };
  ctx.report("SY3008", CHECK_MESSAGES.SY3008.noRoutes(), span, "clients can call nothing", {
    notes: ["every request to a gateway serving this policy would be answered with 404"],
    help: "add a route, e.g. `route chat { otherwise -> [model] }`, or check that this is the right file",
  });
}
