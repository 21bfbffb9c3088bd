// Keys and teams: every name a key uses resolves (its `routes`, its `team`), every key has a secret
// read from its own environment variable, and conditions on keys and tags can ever match. The
// secret's value is never looked at here; only the variable's name is compared.
import type { Cond, Decl, Policy, Value } from "../../syntax/ast.ts";
import { didYouMean } from "../../util/edit-distance.ts";
import type { CheckContext } from "../context.ts";
import { envName } from "../read-value.ts";
import { declsOf, rulesOf } from "../walk.ts";
import { CHECK_MESSAGES } from "../messages.ts";

export function checkKeys(policy: Policy, ctx: CheckContext): void {
  const envs = new Map<string, { value: Value; owner: string }>();
  for (const value of gatewayKeyValues(ctx)) {
    const env = envName(value);
    if (env !== null && !envs.has(env)) envs.set(env, { value, owner: "`gateway { keys }`" });
  }
  for (const key of declsOf(policy, "key")) checkKey(key, envs, ctx);
  for (const route of declsOf(policy, "route")) {
    for (const rule of rulesOf(route)) if (rule.cond) checkCond(rule.cond, ctx);
  }
}

function property(decl: Decl, name: string): Value | null {
  for (const m of decl.body.members) if (m.kind === "property" && m.key.name === name) return m.value;
  return null;
}

function gatewayKeyValues(ctx: CheckContext): Value[] {
  const keys = ctx.symbols.gateway ? property(ctx.symbols.gateway, "keys") : null;
  if (keys === null) return [];
  return keys.kind === "list" ? keys.items.map((i) => i.value) : [keys];
}

function checkKey(key: Decl, envs: Map<string, { value: Value; owner: string }>, ctx: CheckContext): void {
  const name = key.name?.value ?? "";
  const secret = property(key, "secret");
  if (secret === null) {
    ctx.error(
      "SY2053",
      CHECK_MESSAGES.SY2053.noSecret({ key: name }),
      key.name?.span ?? key.span,
      "no client can authenticate as this key",
      {
        help: `add \`secret env("SWITCHYARD_KEY_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}")\``,
      },
    );
  } else {
    const env = envName(secret);
    const first = env === null ? undefined : envs.get(env);
    if (env !== null && first !== undefined) {
      ctx.error(
        "SY2051",
        CHECK_MESSAGES.SY2051.sharedVariable({ key: name, variable: env, first: first.owner }),
        secret.span,
        "same environment variable",
        {
          secondary: [ctx.label(first.value.span, "first read here")],
          notes: ["a client presenting that secret could not be told apart: its usage would be booked to one key only"],
          help: "give every key its own environment variable",
        },
      );
    } else if (env !== null) envs.set(env, { value: secret, owner: `key \`${name}\`` });
  }
  const routes = property(key, "routes");
  if (routes?.kind === "list") for (const { value } of routes.items) checkRouteName(value, ctx);
  const team = property(key, "team");
  if (team?.kind === "ident" || team?.kind === "string") {
    const teamName = team.kind === "ident" ? team.name : team.value;
    if (!ctx.symbols.teams.has(teamName)) unknownName("team", teamName, team, ctx.symbols.teams.keys(), ctx);
  }
}

function checkRouteName(value: Value, ctx: CheckContext): void {
  const name = value.kind === "ident" ? value.name : value.kind === "string" ? value.value : null;
  if (name === null || ctx.symbols.routes.has(name)) return;
  ctx.error("SY2012", CHECK_MESSAGES.SY2012.unknownRoute({ name }), value.span, "no route with this name", {
    help: didYouMean(name, ctx.symbols.routes.keys()) ?? "name a declared route",
  });
}

function unknownName(
  what: "key" | "team",
  name: string,
  at: { span: Value["span"] },
  known: Iterable<string>,
  ctx: CheckContext,
): void {
  const names = [...known];
  ctx.error("SY2050", CHECK_MESSAGES.SY2050.unknown({ what, name }), at.span, `no ${what} with this name`, {
    help:
      didYouMean(name, names) ??
      (names.length
        ? `declared ${what}s: ${names.map((n) => `\`${n}\``).join(", ")}`
        : `declare it: \`${what} ${name} { … }\``),
  });
}

function checkCond(cond: Cond, ctx: CheckContext): void {
  switch (cond.kind) {
    case "and":
    case "or":
      checkCond(cond.left, ctx);
      return checkCond(cond.right, ctx);
    case "not":
      return checkCond(cond.operand, ctx);
    case "group":
      return checkCond(cond.inner, ctx);
    case "key":
    case "tag":
      if (ctx.symbols.keys.size === 0) {
        ctx.error("SY2054", CHECK_MESSAGES.SY2054.noKeysDeclared({ kind: cond.kind }), cond.span, "can never match", {
          notes: ["without a `key` declaration every request is anonymous: this rule can never apply"],
          help: 'declare the keys that call the gateway: `key search-team { secret env("…") }`',
        });
      } else if (cond.kind === "key" && !ctx.symbols.keys.has(cond.name.value)) {
        unknownName("key", cond.name.value, cond.name, ctx.symbols.keys.keys(), ctx);
      }
      return;
    default:
      return;
  }
}
