// `key` and `team` declarations → KeyNode and TeamNode: limits and budgets as LimitNodes (the same
// fixed windows as quotas), tags resolved (team first, the key's own on top), and the secret kept
// only as the name of its environment variable.
import type { Decl } from "../syntax/ast.ts";
import type { Limit } from "../check/read-value.ts";
import { keySchema, teamSchema } from "../check/schema.ts";
import { readBlock, type Fields } from "./ast-values.ts";
import type { KeyNode, LimitNode, TeamNode } from "./graph.ts";

const sub = (v: unknown): Fields => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Fields) : {});
const limitsIn = (v: unknown): LimitNode[] => (Array.isArray(v) ? (v as Limit[]).map((l) => ({ ...l })) : []);

function limitsOf(f: Fields): LimitNode[] {
  const limit = sub(f.limit);
  const budget = sub(f.budget);
  return [...limitsIn(limit.requests), ...limitsIn(limit.tokens), ...limitsIn(budget.spend)];
}

export function compileTeam(decl: Decl): TeamNode {
  const f = readBlock(decl.body, teamSchema);
  return {
    name: decl.name?.value ?? "",
    limits: limitsOf(f),
    strict: sub(f.budget).strict === true,
    tags: { ...(f.tags as Record<string, string> | undefined) },
  };
}

export function compileKey(decl: Decl, teams: ReadonlyMap<string, TeamNode>): KeyNode {
  const f = readBlock(decl.body, keySchema);
  const team = typeof f.team === "string" ? f.team : null;
  const teamTags = team === null ? {} : (teams.get(team)?.tags ?? {});
  return {
    name: decl.name?.value ?? "",
    secretEnv: typeof f.secret === "string" ? f.secret : "",
    routes: Array.isArray(f.routes) ? [...(f.routes as string[])] : null,
    team,
    limits: limitsOf(f),
    strict: sub(f.budget).strict === true,
    tags: { ...teamTags, ...(f.tags as Record<string, string> | undefined) },
  };
}
