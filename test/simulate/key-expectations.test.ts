// Scenario keys: traffic may name a declared key, and `spend` / `refused` checks read a key's or
// team's totals; the schema takes money with `$` and exactly one of `key` or `team`.
import { expect, test } from "bun:test";
import { checkExpectations } from "../../src/simulate/expectations.ts";
import { Recorder } from "../../src/simulate/recorder.ts";
import { parseScenario } from "../../src/simulate/scenario-load.ts";

const access = new Map([["team:search", { requests: 10, refused: 4, tokensIn: 100, tokensOut: 50, costUsd: 2.01 }]]);
const run = (yaml: string) => parseScenario(yaml, "t");
const base = "duration: 1m\ntraffic:\n  - { route: chat, key: search-prod, count: 1 }\nexpect:\n";

test("spend and refused checks parse and compare against a team's totals", () => {
  const parsed = run(
    `${base}  - { check: spend, team: search, at_least: $2, at_most: $2.05 }\n  - { check: refused, team: search, at_most: 3 }\n  - { check: spend, key: ghost, at_most: $1 }\n`,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  expect(parsed.scenario.traffic[0]!.key).toBe("search-prod");
  const results = checkExpectations(parsed.scenario.expect, {
    recorder: new Recorder(0),
    faultsOf: () => [],
    knownModels: new Set(),
    access,
  });
  expect(results.map((r) => [r.passed, r.measured])).toEqual([
    [true, "$2.01"],
    [false, "4 refused of 14"],
    [false, "n/a"],
  ]);
  expect(results[2]!.detail).toBe("`ghost` is not a key of this policy");
});

test("a spend check needs `$` money and exactly one of key or team", () => {
  for (const bad of [
    "{ check: spend, team: search, at_most: 5 }",
    "{ check: spend, key: a, team: b, at_most: $5 }",
    "{ check: spend, team: search }",
  ]) {
    expect(run(`${base}  - ${bad}\n`).ok).toBe(false);
  }
});
