// The language server's incremental analysis (syntax/incremental.ts under lsp/analysis.ts) against
// a from-scratch compile: after every edit of a seeded random sequence the result (AST, graph and
// diagnostics) equals lint's compilePolicySource on the same text, and the declarations an edit did
// not touch are reused rather than parsed again.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compilePolicySource } from "../../src/compile/index.ts";
import { analyze, type Analysis } from "../../src/lsp/analysis.ts";
import { mutateOnce, prng, tokenize, type Mutator } from "../robustness/mutate.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const EDITS = 400;
const TIME_BUDGET_MS = 15_000; // a bound for a loaded machine; 400 edits take about half a second alone
const FILE = "edited.route";
const ROOT = join(import.meta.dir, "../..");

function routeFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".route"))
    .sort()
    .map((f) => readFileSync(join(ROOT, dir, f), "utf8"));
}

const corpus = [...routeFiles("policies"), ...routeFiles("test/fmt/corpus"), ...routeFiles("test/check/fixtures")];

test(`after ${EDITS} seeded random edits the incremental analysis equals a from-scratch compile`, () => {
  const random = prng(SEED);
  const mutator: Mutator = {
    random,
    corpus,
    pool: [...new Set(corpus.flatMap(tokenize).filter((t) => !/^\s+$/.test(t)))],
  };
  const started = performance.now();
  let text = corpus[0];
  let lastParsed = text;
  let analysis: Analysis = analyze(text, FILE);
  let reused = 0;
  let edits = 0;
  for (; edits < EDITS && performance.now() - started < TIME_BUDGET_MS; edits++) {
    // Mostly edits to the current text; now and then back to the last text that parsed (a user
    // repairing a typo) or over to another policy (a paste of the whole file).
    const roll = random();
    text =
      roll < 0.2 ? lastParsed : roll < 0.23 ? corpus[Math.floor(random() * corpus.length)] : mutateOnce(text, mutator);
    const before = analysis.result.policy?.items ?? [];
    analysis = analyze(text, FILE, analysis);
    const scratch = compilePolicySource(text, FILE);
    if (!Bun.deepEquals(analysis.result, scratch, true))
      throw new Error(`edit #${edits} (FUZZ_SEED=${SEED}) differs from a fresh compile of:\n${text}`);
    if (analysis.result.policy === null) continue;
    lastParsed = text;
    if (analysis.result.policy.items.some((d) => before.includes(d))) reused++;
  }
  expect(edits).toBeGreaterThan(40);
  // Not vacuous: edits that parsed reused declarations of the previous parse (about one in six edits does)
  expect(reused).toBeGreaterThan(edits / 20);
}, 30_000);

const POLICY = readFileSync(join(ROOT, "policies/multi-provider.route"), "utf8");

test("an edit re-parses only the declarations it touches: those before it are the same nodes", () => {
  const first = analyze(POLICY, FILE);
  const items = first.result.policy?.items ?? [];
  expect(items.length).toBeGreaterThan(3);
  const last = items[items.length - 1];
  const at = last.span.end - 1; // inside the last declaration's block
  const edited = analyze(`${POLICY.slice(0, at)}\n${POLICY.slice(at)}`, FILE, first);
  const after = edited.result.policy?.items ?? [];
  expect(after.slice(0, -1)).toEqual(items.slice(0, -1));
  for (let i = 0; i < items.length - 1; i++) expect(after[i]).toBe(items[i]);
  expect(after[after.length - 1]).not.toBe(last);
});

test("declarations after an edit are reused with their spans shifted, the cached nodes untouched", () => {
  const first = analyze(POLICY, FILE);
  const items = first.result.policy?.items ?? [];
  const spans = JSON.stringify(items.map((d) => d.span));
  const edited = analyze(`# a new first line\n${POLICY}`, FILE, first);
  const shifted = edited.result.policy?.items ?? [];
  expect(shifted.map((d) => d.span.start)).toEqual(items.map((d) => d.span.start + 19));
  expect(JSON.stringify(items.map((d) => d.span))).toBe(spans);
  expect(edited.result).toEqual(compilePolicySource(`# a new first line\n${POLICY}`, FILE));
});

test("an edit that breaks the syntax gets lint's diagnostics, and the repair reuses the last good parse", () => {
  const first = analyze(POLICY, FILE);
  const at = POLICY.lastIndexOf("}");
  const broken = analyze(`${POLICY.slice(0, at)}{${POLICY.slice(at)}`, FILE, first);
  expect(broken.result).toEqual(compilePolicySource(`${POLICY.slice(0, at)}{${POLICY.slice(at)}`, FILE));
  expect(broken.result.diagnostics.length).toBeGreaterThan(0);
  const repaired = analyze(POLICY, FILE, broken);
  expect(repaired.result.policy?.items[0]).toBe(first.result.policy?.items[0]);
  expect(repaired.result.diagnostics).toEqual([]);
});
