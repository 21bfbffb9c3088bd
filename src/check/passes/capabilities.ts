// A rule whose condition requires capabilities (`when vision and tools`) must lead to at least one
// model that has all of them, or every request it matches fails. `and` needs the union of its
// sides, `or` only what both sides need, `not` nothing; `route x` targets and split arms are followed.
import type { Cond, Decl, Policy, Target } from "../../syntax/ast.ts";
import type { Label } from "../../syntax/diagnostic.ts";
import { CAP_BIT, CAPABILITIES, capsToMask, maskToCaps, type Capability } from "../../syntax/vocabulary.ts";
import type { CheckContext } from "../context.ts";
import { readValue } from "../read-value.ts";
import { findProperty } from "../resolve-settings.ts";
import { modelSchema } from "../schema.ts";
import { modelItems, routeRefs, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkCapabilities(policy: Policy, ctx: CheckContext): void {
  const caps = modelCaps(ctx);
  for (const route of policy.items) {
    if (route.kind !== "route") continue;
    for (const rule of route.body.members) {
      if (rule.kind !== "rule" || !rule.cond) continue;
      const needs = requiredCaps(rule.cond);
      if (needs === 0) continue;
      checkRule(rule.target, needs, rule.cond, caps, ctx);
    }
  }
}

/** Capabilities a request matching `cond` is sure to need, as a CAP_BIT mask. */
export function requiredCaps(cond: Cond): number {
  switch (cond.kind) {
    case "cap":
      return (CAPABILITIES as readonly string[]).includes(cond.name.name) ? CAP_BIT[cond.name.name as Capability] : 0;
    case "and":
      return requiredCaps(cond.left) | requiredCaps(cond.right);
    case "or":
      return requiredCaps(cond.left) & requiredCaps(cond.right);
    case "group":
      return requiredCaps(cond.inner);
    case "not":
    case "compare":
    case "key":
    case "tag":
      return 0;
  }
}

/** A model's capability mask by name: null when its `can` is missing or invalid (already reported), undefined when no such model. */
interface ModelCaps {
  get(name: string): number | null | undefined;
}

/** Masks are read on first use: only models that a capability-requiring rule reaches are looked at. */
function modelCaps(ctx: CheckContext): ModelCaps {
  const masks = new Map<Decl, number | null>();
  return {
    get(name) {
      const model = ctx.symbols.models.get(name);
      if (model === undefined) return undefined;
      let mask = masks.get(model);
      if (mask === undefined) {
        const can = findProperty(model.body, "can");
        const caps = can ? readValue(modelSchema.can, can.value) : undefined;
        masks.set(model, (mask = Array.isArray(caps) ? capsToMask(caps as Capability[]) : null));
      }
      return mask;
    },
  };
}

interface Reach {
  /** Candidates reached, with the label to show for each if the rule is reported (built only then). */
  models: { name: string; label: () => Label }[];
  unknown: boolean; // some candidate could not be judged: stay quiet
}

/** A split is judged arm by arm: an arm with no capable model fails its share of requests. */
function checkRule(target: Target, needs: number, cond: Cond, caps: ModelCaps, ctx: CheckContext): void {
  const units = target.kind === "split" ? target.arms.map((a) => a.target) : [target];
  const failing: Reach[] = [];
  for (const unit of units) {
    const reach: Reach = { models: [], unknown: false };
    collect(unit, caps, ctx, reach, new Set(), null);
    if (reach.unknown || reach.models.length === 0) continue;
    if (!reach.models.some((m) => ((caps.get(m.name) ?? 0) & needs) === needs)) failing.push(reach);
  }
  if (failing.length === 0) return;
  const names = maskToCaps(needs);
  const wanted = names.map((c) => `\`${c}\``).join(", ");
  const all = failing.length === units.length;
  const labels = new Map<string, Label>();
  for (const reach of failing) {
    for (const m of reach.models) {
      const label = m.label();
      labels.set(`${label.span.start}:${label.message}`, label);
    }
  }
  const has = `${names.length > 1 ? "all of " : ""}${wanted}`;
  ctx.report(
    "SY2022",
    all ? CHECK_MESSAGES.SY2022.noModelInTarget({ has }) : CHECK_MESSAGES.SY2022.noModelInArm({ has }),
    cond.span,
    `requires ${wanted}`,
    {
      secondary: [...labels.values()],
      notes: [
        all
          ? "every request this rule matches would fail with no capable model"
          : "requests sent to that arm would fail with no capable model",
      ],
      help: `add a model with ${wanted} to the target, or add it to a model's \`can\` list if it really has it`,
    },
  );
}

function collect(
  target: Target,
  caps: ModelCaps,
  ctx: CheckContext,
  reach: Reach,
  visited: Set<string>,
  via: (() => Label) | null,
): void {
  for (const item of modelItems(target)) {
    const mask = caps.get(item.ref.name);
    if (mask === undefined || mask === null) {
      reach.unknown = true;
      continue;
    }
    const label =
      via ?? (() => ctx.label(item.ref.span, `\`${item.ref.name}\` can ${maskToCaps(mask).join(", ") || "nothing"}`));
    reach.models.push({ name: item.ref.name, label });
  }
  for (const ref of routeRefs(target)) {
    const route: Decl | undefined = ctx.symbols.routes.get(ref.name.value);
    if (!route) {
      reach.unknown = true;
      continue;
    }
    if (visited.has(ref.name.value)) continue;
    visited.add(ref.name.value);
    const label = via ?? once(() => ctx.label(ref.span, `no model reached through \`${ref.name.value}\` has them`));
    for (const rule of rulesOf(route)) collect(rule.target, caps, ctx, reach, visited, label);
  }
}

/** Builds the label on first use and hands out that same object afterwards. */
function once(make: () => Label): () => Label {
  let label: Label | null = null;
  return () => (label ??= make());
}
