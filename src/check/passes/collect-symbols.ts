// First pass: the symbol table every later pass resolves names against. A repeated name keeps
// the first declaration (so references still resolve) and is reported with both places shown.
import type { Decl, Policy } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function collectSymbols(policy: Policy, ctx: CheckContext): void {
  const tables = {
    provider: ctx.symbols.providers,
    model: ctx.symbols.models,
    route: ctx.symbols.routes,
    key: ctx.symbols.keys,
    team: ctx.symbols.teams,
  };
  for (const decl of policy.items) {
    if (decl.kind === "defaults" || decl.kind === "gateway") {
      const first = ctx.symbols[decl.kind];
      if (first === null) ctx.symbols[decl.kind] = decl;
      else repeatedSection(decl, first, ctx);
      continue;
    }
    if (decl.name === null) continue;
    const table = tables[decl.kind];
    const first = table.get(decl.name.value);
    if (first === undefined) table.set(decl.name.value, decl);
    else duplicateName(decl, first, ctx);
  }
}

function duplicateName(decl: Decl, first: Decl, ctx: CheckContext): void {
  const name = decl.name!.value;
  ctx.report(
    "SY2013",
    CHECK_MESSAGES.SY2013.declaredTwice({ kind: decl.kind, name }),
    decl.name!.span,
    `second ${decl.kind} named \`${name}\``,
    {
      secondary: [ctx.label(first.name!.span, "first declared here")],
      help: `rename one of them or merge the two ${decl.kind} blocks`,
    },
  );
}

function repeatedSection(decl: Decl, first: Decl, ctx: CheckContext): void {
  ctx.report(
    "SY2014",
    CHECK_MESSAGES.SY2014.secondBlock({ kind: decl.kind }),
    decl.keyword.span,
    `second \`${decl.kind}\` block`,
    {
      secondary: [ctx.label(first.keyword.span, "first one here")],
      help: `merge the settings into the first \`${decl.kind}\` block`,
    },
  );
}
