// The language reference must not teach syntax that does not parse: every ```route example in
// docs/language.md parses as a policy, or as the body of a route or `defaults` block when it is a
// fragment. The opening example is a complete policy and must compile with no diagnostics.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compilePolicySource } from "../../src/compile/index.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

const DOC = readFileSync(join(import.meta.dir, "../../docs/language.md"), "utf8");
const EXAMPLES = [...DOC.matchAll(/```route\n([\s\S]*?)```/g)].map((m) => m[1].replace(/^ {2}/gm, ""));

const parses = (text: string) => parsePolicy(text, "doc.route").policy !== null;

test("the reference has examples", () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(8);
});

test("every example parses, whole or as a block body", () => {
  const broken = EXAMPLES.filter(
    (e) => !parses(e) && !parses(`route doc {\n${e}\n}`) && !parses(`defaults {\n${e}\n}`),
  );
  expect(broken).toEqual([]);
});

test("the opening example is a complete, clean policy", () => {
  const result = compilePolicySource(EXAMPLES[0], "doc.route");
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(result.graph?.routes.map((r) => r.name)).toEqual(["chat"]);
});
