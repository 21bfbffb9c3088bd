// AST → Graph for a policy the checker accepted. Models are compiled before routes so candidates can
// copy their capability masks and context windows; settings are resolved here, once per route and
// once per rule that has its own block, so the engine never walks an inheritance chain per request.
import type { Decl, Policy, Rule } from "../syntax/ast.ts";
import { compileKey, compileTeam } from "./access.ts";
import { compileCond, guaranteedCaps } from "./conditions.ts";
import { compileGateway, compileModel, compileProvider } from "./declarations.ts";
import { GRAPH_VERSION, type Graph, type ModelNode, type RouteNode, type Settings } from "./graph.ts";
import { lineCounter } from "./line-counter.ts";
import { layerSettings, SettingsResolver } from "./settings.ts";
import { compileTarget } from "./targets.ts";

/** `source` (the policy text) is only used to put source line numbers on rules; without it they are 0. */
export function compilePolicy(policy: Policy, source?: string): Graph {
  const lineOf = source === undefined ? () => 0 : lineCounter(source);
  const byKind: Record<Decl["kind"], Decl[]> = {
    provider: [],
    model: [],
    route: [],
    defaults: [],
    gateway: [],
    key: [],
    team: [],
  };
  for (const d of policy.items) byKind[d.kind]?.push(d);
  const decls = (kind: Decl["kind"]) => byKind[kind];
  const models = decls("model").map(compileModel);
  const modelsByName = new Map<string, ModelNode>();
  for (const m of models) modelsByName.set(m.name, m);
  const resolver = new SettingsResolver(decls("defaults")[0]?.body);
  const routes = decls("route").map((route): RouteNode => {
    const routeValues = layerSettings(resolver.defaults, route.body);
    const rules = route.body.members.filter((m): m is Rule => m.kind === "rule");
    return {
      name: route.name?.value ?? "",
      rules: rules.map((rule) => ({
        cond: rule.cond === null ? null : compileCond(rule.cond),
        needs: guaranteedCaps(rule.cond),
        target: compileTarget(rule.target, modelsByName),
        settings: resolver.settings(layerSettings(routeValues, rule.settings)),
        line: lineOf(rule.span.start),
      })),
    };
  });
  const teams = decls("team").map(compileTeam);
  const teamsByName = new Map(teams.map((t) => [t.name, t]));
  const keys = decls("key").map((k) => compileKey(k, teamsByName));
  const gateway = compileGateway(decls("gateway")[0]);
  if (gateway.directModels) routes.push(...directRoutes(models, routes, resolver.settings(resolver.defaults)));
  return {
    version: GRAPH_VERSION,
    sources: [policy.file],
    gateway,
    providers: decls("provider").map(compileProvider),
    models,
    routes,
    // only when declared, so the graph of a policy without keys reads exactly as before
    ...(keys.length > 0 ? { keys } : {}),
    ...(teams.length > 0 ? { teams } : {}),
  };
}

/**
 * With `direct_models`, a model named as `model` is served as if by `route <model> { otherwise ->
 * <model> }` under the `defaults` settings, so the engine needs no second way in. A declared route
 * of the same name keeps the name.
 */
function directRoutes(models: ModelNode[], routes: RouteNode[], settings: Settings): RouteNode[] {
  const taken = new Set(routes.map((r) => r.name));
  return models
    .filter((m) => !taken.has(m.name))
    .map((m) => ({
      name: m.name,
      direct: true,
      rules: [
        {
          cond: null,
          needs: 0,
          settings,
          line: 0,
          target: {
            kind: "chain",
            candidates: [
              { model: m.name, provider: m.provider, caps: m.caps, contextWindow: m.contextWindow, weight: 1 },
            ],
          },
        },
      ],
    }));
}
