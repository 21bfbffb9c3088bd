// The checker must never throw on any policy the parser accepts (a crash would surface as a stack
// trace instead of diagnostics). Mutates the fixtures with a seeded generator: bounded and repeatable.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkPolicy } from "../../src/check/index.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

const DIR = join(import.meta.dir, "fixtures");
const SOURCES = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith(".route"))
    .map((f) => readFileSync(join(DIR, f), "utf8")),
  readFileSync(join(import.meta.dir, "policies/realistic.route"), "utf8"),
];
const INSERTS = [
  "route x",
  "when",
  "->",
  "[",
  "]",
  "{",
  "}",
  "0",
  "-1",
  "sticky(tokens)",
  "split [",
  "otherwise",
  'env("A")',
  "5xx",
  "$1/day",
  "50%",
  "1k",
  "tools",
  "not",
  "and",
  "or",
  "(",
  ")",
  "route a",
  "m",
  '"("',
  "matches",
  "in",
  "true",
  "{}",
  "[]",
];
const ITERATIONS = 3000;
const BUDGET_MS = 8000;

test("mutated policies never make the checker throw", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const started = performance.now();
  let checked = 0;
  for (let i = 0; i < ITERATIONS && performance.now() - started < BUDGET_MS; i++) {
    const tokens = pick(SOURCES).split(/(\s+)/);
    for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
      const at = Math.floor(rnd() * tokens.length);
      const r = rnd();
      if (r < 0.3) tokens[at] = "";
      else if (r < 0.7) tokens[at] = pick(INSERTS);
      else tokens.splice(at, 0, " ", pick(tokens), " ");
    }
    const text = tokens.join("");
    const parsed = parsePolicy(text, "fuzz.route");
    if (!parsed.policy) continue;
    checked++;
    const diags = checkPolicy(parsed.policy, { secrets: { get: () => undefined } });
    for (const d of diags) {
      expect(d.primary.span.start).toBeGreaterThanOrEqual(0);
      expect(d.primary.span.end).toBeLessThanOrEqual(text.length);
    }
  }
  expect(checked).toBeGreaterThan(100);
});
