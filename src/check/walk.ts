// Small traversals several passes share: the rules of a route, the model and route references
// inside a target, and every value in a block.
import type { Block, Cond, Decl, Policy, Rule, Target, TargetItem, RouteTarget, Value } from "../syntax/ast.ts";

/** The declarations of each kind, per policy: a dozen passes ask, and a large policy has thousands. */
const declsByKind = new WeakMap<Policy, Map<Decl["kind"], Decl[]>>();

export function declsOf(policy: Policy, kind: Decl["kind"]): readonly Decl[] {
  let byKind = declsByKind.get(policy);
  if (byKind === undefined) {
    byKind = new Map();
    for (const d of policy.items) {
      const list = byKind.get(d.kind);
      if (list === undefined) byKind.set(d.kind, [d]);
      else list.push(d);
    }
    declsByKind.set(policy, byKind);
  }
  return byKind.get(kind) ?? [];
}

export function rulesOf(route: Decl): Rule[] {
  return route.body.members.filter((m): m is Rule => m.kind === "rule");
}

/** Model references of a target, following split arms but not `route` targets. */
export function modelItems(target: Target): TargetItem[] {
  switch (target.kind) {
    case "chain":
    case "strategy":
      return target.items;
    case "model":
      return [{ ref: target.ref, weight: null, span: target.span }];
    case "split":
      return target.arms.flatMap((a) => modelItems(a.target));
    case "route_ref":
      return [];
  }
}

/** `route x` targets inside a target, following split arms. */
export function routeRefs(target: Target): RouteTarget[] {
  if (target.kind === "route_ref") return [target];
  if (target.kind === "split") return target.arms.flatMap((a) => routeRefs(a.target));
  return [];
}

/** Parentheses change nothing about meaning; most passes look through them. */
export function unwrap(cond: Cond): Cond {
  return cond.kind === "group" ? unwrap(cond.inner) : cond;
}

/** Every value in a block, depth first, with the key it sits under (list items keep their list's key; `env(…)` arguments are not visited). */
export function forEachValue(block: Block, visit: (value: Value, key: string) => void): void {
  for (const m of block.members) {
    if (m.kind === "property") visitValue(m.value, m.key.name, visit);
    else if (m.settings) forEachValue(m.settings, visit);
  }
}

function visitValue(value: Value, key: string, visit: (value: Value, key: string) => void): void {
  visit(value, key);
  if (value.kind === "block") forEachValue(value, visit);
  else if (value.kind === "list") for (const item of value.items) visitValue(item.value, key, visit);
}

/** Every comparison value inside a condition (they are values too: secrets can hide there). */
export function condValues(cond: Cond): Value[] {
  switch (cond.kind) {
    case "and":
    case "or":
      return [...condValues(cond.left), ...condValues(cond.right)];
    case "not":
      return condValues(cond.operand);
    case "group":
      return condValues(cond.inner);
    case "compare":
      return [cond.value];
    case "cap":
    case "key":
      return [];
    case "tag":
      return [cond.value];
  }
}
