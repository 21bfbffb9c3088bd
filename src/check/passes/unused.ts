// Providers no model uses and models no route reaches are dead configuration, often a typo'd
// reference elsewhere; warnings, since removing them changes nothing. With `gateway {
// direct_models true }` clients can name any model, so no model is unused.
import type { Policy } from "../../syntax/ast.ts";
import type { CheckContext } from "../context.ts";
import { findProperty } from "../resolve-settings.ts";
import { declsOf, modelItems, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkUnused(policy: Policy, ctx: CheckContext): void {
  const usedProviders = new Set<string>();
  for (const model of declsOf(policy, "model")) {
    const p = findProperty(model.body, "provider")?.value;
    if (p?.kind === "ident") usedProviders.add(p.name);
    else if (p?.kind === "string") usedProviders.add(p.value);
  }
  const usedModels = new Set<string>();
  for (const route of declsOf(policy, "route")) {
    for (const rule of rulesOf(route)) for (const item of modelItems(rule.target)) usedModels.add(item.ref.name);
  }
  for (const [name, provider] of ctx.symbols.providers) {
    if (usedProviders.has(name)) continue;
    ctx.report("SY3003", CHECK_MESSAGES.SY3003.unused({ name }), provider.name!.span, "no model uses this provider", {
      help: `remove it, or point a model at it with \`provider ${name}\``,
    });
  }
  const gateway = ctx.symbols.gateway;
  const direct = gateway !== null && gateway.body !== null && findProperty(gateway.body, "direct_models")?.value;
  if (direct && direct.kind === "bool" && direct.value) return;
  for (const [name, model] of ctx.symbols.models) {
    if (usedModels.has(name)) continue;
    ctx.report("SY3004", CHECK_MESSAGES.SY3004.unused({ name }), model.name!.span, "no route sends requests here", {
      help: `remove it, or add it to a route's target`,
    });
  }
}
