// `key` and `team` declarations: parsed, checked, compiled into plain graph data (the secret only as
// its variable's name), printed by `graph` without the secret, and formatted stably.
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { printText } from "../../src/compile/print/text.ts";
import { formatPolicy } from "../../src/syntax/format.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";
import { KEY_SECRETS, KEYS_POLICY } from "./policy.ts";

test("keys and teams compile into the graph, tags resolved, secret as an env name", () => {
  const { graph, diagnostics } = compilePolicySource(KEYS_POLICY, "keys.route");
  // the test policy's budgets are tiny on purpose (to be spent in tests): lint says so, and only that
  expect(diagnostics.filter((d) => d.code !== "SY3011")).toEqual([]);
  expect(diagnostics.map((d) => d.message)).toContain(
    "the budget of team `search` ($0.002/month) is less than one request's worst-case cost on route `chat` ($1.36)",
  );
  expect(graph!.teams!.map((t) => t.name)).toEqual(["search", "ads"]);
  expect(graph!.keys!.map((k) => k.name)).toEqual(["search-prod", "ads-bot", "batch"]);
  expect(graph!.keys![0]).toEqual({
    name: "search-prod",
    secretEnv: "SWITCHYARD_KEY_SEARCH",
    routes: ["chat"],
    team: "search",
    limits: [
      { metric: "requests", amount: 600, window: "minute" },
      { metric: "tokens", amount: 2_000_000, window: "day" },
      { metric: "usd", amount: 200, window: "month" },
    ],
    strict: false,
    tags: { team: "search", env: "prod" },
  });
  expect(graph!.keys![1]).toMatchObject({
    name: "ads-bot",
    routes: null,
    team: "ads",
    limits: [{ metric: "requests", amount: 3, window: "minute" }],
    tags: { team: "ads" },
  });
  expect(graph!.routes[0]!.rules.map((r) => r.cond)).toEqual([
    { op: "key", name: "search-prod" },
    { op: "tag", name: "team", value: "ads" },
    null,
  ]);
});

test("graph output names the variable, never the secret", () => {
  const { graph } = compilePolicySource(KEYS_POLICY, "keys.route", { secrets: { get: (n) => KEY_SECRETS[n] } });
  const text = printText(graph!) + JSON.stringify(graph);
  expect(text).toContain("secret $SWITCHYARD_KEY_SEARCH");
  expect(text).toContain("when key search-prod");
  for (const secret of Object.values(KEY_SECRETS)) expect(text).not.toContain(secret.slice(0, 8));
});

test("fmt prints keys, teams and key conditions, and is stable", () => {
  const once = formatPolicy(parsePolicy(KEYS_POLICY, "keys.route").policy!);
  expect(once).toContain('key search-prod {\n  secret env("SWITCHYARD_KEY_SEARCH")');
  expect(once).toContain('when tag team "ads" -> [cheap]');
  expect(formatPolicy(parsePolicy(once, "keys.route").policy!)).toBe(once);
  const [a, b] = [
    compilePolicySource(once, "keys.route").graph!,
    compilePolicySource(KEYS_POLICY, "keys.route").graph!,
  ];
  expect([a.keys, a.teams]).toEqual([b.keys, b.teams]);
});

test("a policy without keys compiles to a graph without keys", () => {
  const { graph } = compilePolicySource(
    "provider p { kind simulated }\nmodel m { provider p  can [chat] }\nroute chat { otherwise -> [m] }\n",
    "k.route",
  );
  expect(graph!.keys).toBeUndefined();
  expect(graph!.teams).toBeUndefined();
});
