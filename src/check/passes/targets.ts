// Rule targets: every model and route they name exists, strategies are known and take the right
// key, weights are positive, split percentages add up, and no target is empty.
import type { Decl, Policy, SplitTarget, Target, TargetItem } from "../../syntax/ast.ts";
import { STRATEGIES } from "../../syntax/vocabulary.ts";
import { didYouMean } from "../../util/edit-distance.ts";
import type { CheckContext } from "../context.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkTargets(policy: Policy, ctx: CheckContext): void {
  for (const route of policy.items) {
    if (route.kind !== "route") continue;
    for (const m of route.body.members) if (m.kind === "rule") checkTarget(m.target, route, ctx);
  }
}

function checkTarget(target: Target, route: Decl, ctx: CheckContext): void {
  switch (target.kind) {
    case "model":
      return checkModelRef(target.ref.name, target.ref.span, ctx);
    case "route_ref":
      return checkRouteRef(target.name.value, target.name.span, ctx);
    case "chain":
      return checkItems(target.items, target.span, ctx);
    case "strategy":
      checkStrategy(target, ctx);
      return checkItems(target.items, target.span, ctx);
    case "split":
      checkSplit(target, ctx);
      for (const arm of target.arms) checkTarget(arm.target, route, ctx);
  }
}

function checkItems(items: TargetItem[], span: Target["span"], ctx: CheckContext): void {
  if (items.length === 0)
    ctx.report("SY2019", CHECK_MESSAGES.SY2019.emptyTarget(), span, "empty target", {
      help: "list at least one model, e.g. `[gpt4o]`",
    });
  // Targets list a handful of models: scanning earlier items beats a Map per target, until one is long.
  const seen = items.length > 16 ? new Map<string, TargetItem>() : null;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    checkModelRef(item.ref.name, item.ref.span, ctx);
    if (item.weight && item.weight.value <= 0) nonPositiveWeight(item.weight, ctx);
    const first = seen ? seen.get(item.ref.name) : earlierItem(items, i);
    if (first) {
      ctx.report("SY3007", CHECK_MESSAGES.SY3007.listedTwice({ name: item.ref.name }), item.ref.span, "listed again", {
        secondary: [ctx.label(first.ref.span, "first listed here")],
        help: "remove the second one (use weights to send it more traffic)",
      });
    } else seen?.set(item.ref.name, item);
  }
}

function earlierItem(items: TargetItem[], i: number): TargetItem | undefined {
  const name = items[i].ref.name;
  for (let j = 0; j < i; j++) if (items[j].ref.name === name) return items[j];
  return undefined;
}

function checkModelRef(name: string, span: Target["span"], ctx: CheckContext): void {
  if (ctx.symbols.models.has(name)) return;
  const hint = didYouMean(name, ctx.symbols.models.keys());
  const isRoute = ctx.symbols.routes.has(name);
  ctx.report("SY2011", CHECK_MESSAGES.SY2011.unknownModel({ name }), span, "no model with this name", {
    help:
      hint ??
      (isRoute
        ? `\`${name}\` is a route: write \`route ${name}\``
        : `declare it: \`model ${name} { provider … can [chat] }\``),
  });
}

function checkRouteRef(name: string, span: Target["span"], ctx: CheckContext): void {
  if (ctx.symbols.routes.has(name)) return;
  const hint = didYouMean(name, ctx.symbols.routes.keys());
  const isModel = ctx.symbols.models.has(name);
  ctx.report("SY2012", CHECK_MESSAGES.SY2012.unknownRoute({ name }), span, "no route with this name", {
    help:
      hint ??
      (isModel
        ? `\`${name}\` is a model: write it without \`route\``
        : "declare the route or point at an existing one"),
  });
}

function checkStrategy(target: Target & { kind: "strategy" }, ctx: CheckContext): void {
  const name = target.strategy.name;
  if (!(STRATEGIES as readonly string[]).includes(name)) {
    ctx.report("SY2006", CHECK_MESSAGES.SY2006.unknownStrategy({ name }), target.strategy.span, "not a strategy", {
      help: didYouMean(name, STRATEGIES) ?? `use one of ${STRATEGIES.map((s) => `\`${s}\``).join(", ")}`,
    });
    return;
  }
  if (name === "sticky" && target.key === null) {
    ctx.report("SY2031", CHECK_MESSAGES.SY2031.stickyWithoutKey(), target.strategy.span, "no key", {
      help: 'write `sticky(header "x-session") [..]` or `sticky(metadata "user") [..]`',
    });
  } else if (name !== "sticky" && target.key !== null) {
    ctx.report(
      "SY2032",
      CHECK_MESSAGES.SY2032.takesNoKey({ strategy: name }),
      target.key.span,
      "only `sticky` takes a key",
      {
        help: `remove \`(…)\`, or use \`sticky(…)\``,
      },
    );
  } else if (target.key && target.key.kind !== "header" && target.key.kind !== "metadata") {
    ctx.report(
      "SY2033",
      CHECK_MESSAGES.SY2033.badStickyKey({ kind: target.key.kind }),
      target.key.span,
      "not a header or metadata",
      { help: 'key on a header or metadata: `sticky(header "x-session")`' },
    );
  }
  if (name !== "weighted") return;
  if (target.items.length > 0 && target.items.every((i) => i.weight === null)) {
    ctx.report("SY3006", CHECK_MESSAGES.SY3006.noWeights(), target.strategy.span, "no weights given", {
      help: "give weights, e.g. `weighted [a 3, b 1]`, or use `round_robin`",
    });
  }
}

function checkSplit(target: SplitTarget, ctx: CheckContext): void {
  if (target.arms.length === 0)
    ctx.report("SY2019", CHECK_MESSAGES.SY2019.emptySplit(), target.span, "empty split", {
      help: "add arms, e.g. `split [[a] 70%, [b] 30%]`",
    });
  for (const arm of target.arms) if (arm.weight && arm.weight.value <= 0) nonPositiveWeight(arm.weight, ctx);
  const percents = target.arms.map((a) => (a.weight?.kind === "percent" ? a.weight.value : null));
  if (!percents.some((p) => p !== null)) return;
  const sum = percents.reduce<number>((s, p) => s + (p ?? 0), 0);
  if (percents.every((p) => p !== null) && Math.abs(sum - 100) < 1e-9) return;
  const missing = percents.some((p) => p === null);
  ctx.report(
    "SY3002",
    missing ? CHECK_MESSAGES.SY3002.mixed() : CHECK_MESSAGES.SY3002.notHundred({ sum: String(round(sum)) }),
    target.span,
    missing ? "mixed weights" : `${round(sum)}% in total`,
    {
      notes: ["arms are chosen in proportion to their weights, so the percentages are not what they say"],
      help: "give every arm a percentage, adding up to 100%",
    },
  );
}

function nonPositiveWeight(weight: NonNullable<TargetItem["weight"]>, ctx: CheckContext): void {
  ctx.report("SY2026", CHECK_MESSAGES.SY2026.notPositive({ raw: weight.raw }), weight.span, "not a positive weight", {
    help: "remove the candidate to send it nothing, or give it a positive weight",
  });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
