// Mutation fuzzing of the whole pipeline: thousands of near-valid policies (seeded, bounded in
// count and time) must each end as a graph or as well-formed diagnostics, never an exception;
// every mutant that parses must also format idempotently without losing meaning or comments.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compilePolicySource } from "../../src/compile/index.ts";
import { formatPolicy } from "../../src/syntax/format.ts";
import { parsePolicy, parsePolicyBytes } from "../../src/syntax/parse.ts";
import { commentTexts, meaning } from "../fmt/support.ts";
import { expectWellFormed } from "./invariants.ts";
import { mutate, prng, tokenize, type Mutator } from "./mutate.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const MUTANTS = 2000;
const TIME_BUDGET_MS = 12_000;
const FILE = "fuzz.route";

const corpusDir = join(import.meta.dir, "../fmt/corpus");
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith(".route"))
  .sort()
  .map((f) => new TextDecoder().decode(readFileSync(join(corpusDir, f))))
  .filter((text) => text.trim() !== "");

function failure(kind: string, index: number, text: string, e: unknown): string {
  const why = e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e);
  return `${kind} on mutant #${index} (FUZZ_SEED=${SEED}): ${why}\n--- input ---\n${text.slice(0, 400)}`;
}

describe("fuzzing", () => {
  test(`up to ${MUTANTS} mutants: graph or diagnostics, never an exception; fmt idempotent on all that parse`, () => {
    const random = prng(SEED);
    const mutator: Mutator = {
      random,
      corpus,
      pool: [...new Set(corpus.flatMap(tokenize).filter((t) => !/^\s+$/.test(t)))],
    };
    const started = performance.now();
    const failures: string[] = [];
    let ran = 0;
    let parsed = 0;
    for (let i = 0; i < MUTANTS && performance.now() - started < TIME_BUDGET_MS && failures.length < 5; i++) {
      const text = mutate(corpus[i % corpus.length], mutator);
      ran++;
      try {
        const result = compilePolicySource(text, FILE);
        if (result.graph === null) expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
        expectWellFormed(result.diagnostics, FILE, result.source);
      } catch (e) {
        failures.push(failure("pipeline", i, text, e));
        continue;
      }
      const { policy } = parsePolicy(text, FILE);
      if (policy === null) continue;
      parsed++;
      try {
        const once = formatPolicy(policy, text);
        const reparsed = parsePolicy(once, FILE).policy;
        if (reparsed === null) throw new Error("formatted output does not parse");
        expect(meaning(reparsed)).toEqual(meaning(policy));
        expect(commentTexts(reparsed)).toEqual(commentTexts(policy));
        const twice = formatPolicy(reparsed, once);
        if (twice !== once) throw new Error(`not idempotent:\n${once}\n--- second pass ---\n${twice}`);
      } catch (e) {
        failures.push(failure("fmt", i, text, e));
      }
    }
    expect(failures).toEqual([]);
    // the budget must not quietly shrink the run to nothing
    expect(ran).toBeGreaterThanOrEqual(Math.min(MUTANTS, 300));
    expect(parsed).toBeGreaterThan(ran / 20);
  }, 30_000);

  test("random byte strings go through decoding without throwing", () => {
    const random = prng(SEED + 1);
    const started = performance.now();
    for (let i = 0; i < 300 && performance.now() - started < 3000; i++) {
      const source = corpus[i % corpus.length];
      const bytes = new TextEncoder().encode(source);
      for (let k = 0; k < 4; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const result = parsePolicyBytes(bytes, FILE);
      expectWellFormed(result.diagnostics, FILE, result.source);
    }
  });
});
