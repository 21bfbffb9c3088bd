// The implication test behind shadowed-rule reports: it must prove real shadowing and never
// claim it where a later rule can still match.
import { describe, expect, test } from "bun:test";
import { implies } from "../../src/check/implies.ts";
import type { Cond } from "../../src/syntax/ast.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

function cond(text: string): Cond {
  const parsed = parsePolicy(`route r { when ${text} -> m }`, "t.route");
  const rule = parsed.policy!.items[0].body.members[0];
  if (rule.kind !== "rule" || rule.cond === null) throw new Error("no condition");
  return rule.cond;
}

const shadowed: [string, string][] = [
  ["vision and tools", "vision"],
  ["(tools and vision) and json", "vision and tools"],
  ["tokens > 100k", "tokens > 50k"],
  ["tokens > 50k", "tokens > 50k"],
  ["tokens >= 60000", "tokens > 50k"],
  ["tokens < 1000", "tokens <= 1000"],
  ["tokens == 5", "tokens >= 5"],
  ['header "x-tier" == "free"', 'header "X-Tier" == "free"'],
  ['header "x-tier" == "free"', 'header "x-tier" in ["free", "trial"]'],
  ['metadata "team" in ["ads"]', 'metadata "team" in ["search", "ads"]'],
  ['header "x-user" == "beta-7"', 'header "x-user" starts_with "beta-"'],
  ["vision", "vision or tools"],
  ["vision or tools", "tools or vision"],
  ["not stream", "not (stream)"],
  ["not stream", "not (stream and tools)"],
  ["param temperature > 1.5", "param temperature > 1"],
];

const notShadowed: [string, string][] = [
  ["vision", "vision and tools"],
  ["tokens > 50k", "tokens > 100k"],
  ["tokens >= 50000", "tokens > 50k"],
  ['header "x-tier" in ["free", "trial"]', 'header "x-tier" == "free"'],
  ['header "x-tier" == "free"', 'metadata "x-tier" == "free"'],
  ["vision or tools", "vision"],
  ["not (stream and tools)", "not stream"],
  ['header "x-user" starts_with "beta-"', 'header "x-user" == "beta-7"'],
  ["tokens != 5", "tokens > 5"],
];

describe("implies(later, earlier)", () => {
  for (const [later, earlier] of shadowed) {
    test(`\`${later}\` is shadowed by \`${earlier}\``, () => expect(implies(cond(later), cond(earlier))).toBe(true));
  }
  for (const [later, earlier] of notShadowed) {
    test(`\`${later}\` is not shadowed by \`${earlier}\``, () =>
      expect(implies(cond(later), cond(earlier))).toBe(false));
  }
});
