// The TextMate grammar's word lists are written out by hand in regexes (a JSON grammar cannot
// import them), so this test holds them to the language's own vocabulary: capabilities, strategies,
// comparison operators, declaration keywords, and every word a setting accepts. A word added to
// src/syntax/vocabulary.ts or the checker's schema without the grammar fails here, by name.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { DECL_SCHEMAS, RETRY_ON_WORDS, type BlockSchema } from "../../src/check/schema.ts";
import { CAPABILITIES, COMPARE_OPS, STRATEGIES } from "../../src/syntax/vocabulary.ts";
import { GRAMMAR_PATH } from "./tokenize.ts";

interface Pattern {
  match: string;
  name?: string;
  captures?: Record<string, { name?: string }>;
}

/** Every `match` pattern in the grammar, wherever it is nested. */
function patternsOf(node: unknown, out: Pattern[] = []): Pattern[] {
  if (Array.isArray(node)) for (const item of node) patternsOf(item, out);
  else if (node !== null && typeof node === "object") {
    if (typeof (node as Pattern).match === "string") out.push(node as Pattern);
    for (const value of Object.values(node)) patternsOf(value, out);
  }
  return out;
}

/** The words of the first alternation of plain words in a regex: `\b(?:chat|stream)\b` → chat, stream. */
function wordsOf(regex: string): string[] {
  const group = regex.match(/\((?:\?:)?([A-Za-z_]+(?:\|[A-Za-z_]+)*)\)/);
  return group ? group[1].split("|") : [];
}

/** Each pattern scoped `scope` (as a whole or in a capture), with its words. */
function listsScoped(grammar: unknown, scope: string): string[][] {
  return patternsOf(grammar)
    .filter((p) => p.name === scope || Object.values(p.captures ?? {}).some((c) => c.name === scope))
    .map((p) => wordsOf(p.match));
}

/** Every word a setting accepts, from the checker's schemas (nested blocks included). */
function settingWords(schema: BlockSchema, out = new Set<string>()): Set<string> {
  for (const field of Object.values(schema)) {
    if (field.type === "word") for (const w of field.words) out.add(w);
    if (field.type === "block") settingWords(field.fields, out);
  }
  return out;
}

const sorted = (words: Iterable<string>) => [...new Set(words)].sort();
const WORD_OPS = COMPARE_OPS.filter((op) => /^[a-z_]+$/.test(op));

/** What each scope's word lists must hold, from the vocabulary the parser and checker use. */
const EXPECTED: Record<string, readonly string[]> = {
  "support.constant.capability.route": CAPABILITIES,
  "support.function.strategy.route": [...STRATEGIES, "split"], // `split [...]` is grammar, not a strategy word
  "constant.language.route": [
    ...Object.values(DECL_SCHEMAS).flatMap((schema) => [...settingWords(schema)]),
    ...RETRY_ON_WORDS,
  ],
};

/** Where the grammar's lists differ from the vocabulary, one line per scope and pattern. */
function drift(grammar: unknown): string[] {
  const problems: string[] = [];
  for (const [scope, words] of Object.entries(EXPECTED)) {
    const lists = listsScoped(grammar, scope);
    if (lists.length === 0) problems.push(`${scope}: no pattern`);
    for (const list of lists) {
      const missing = sorted(words).filter((w) => !list.includes(w));
      const extra = sorted(list).filter((w) => !words.includes(w));
      if (missing.length || extra.length)
        problems.push(`${scope}: missing [${missing.join(", ")}], not in the language [${extra.join(", ")}]`);
    }
  }
  return problems;
}

const GRAMMAR = JSON.parse(readFileSync(GRAMMAR_PATH, "utf8"));

test("the grammar's capability, strategy and setting-word lists are the language's vocabulary", () => {
  expect(drift(GRAMMAR)).toEqual([]);
});

test("a capability missing from one of the grammar's lists is named", () => {
  const stale = JSON.parse(JSON.stringify(GRAMMAR).replace("|reasoning)", ")"));
  expect(drift(stale)).toEqual(["support.constant.capability.route: missing [reasoning], not in the language []"]);
});

test("the grammar's comparison words and declaration keywords are the parser's", () => {
  const comparisons = patternsOf(GRAMMAR).filter((p) => p.name === "keyword.operator.comparison.route");
  expect(sorted(comparisons.flatMap((p) => wordsOf(p.match)))).toEqual(sorted(WORD_OPS));
  const symbols = comparisons.flatMap((p) => (/^[=!<>|]+$/.test(p.match) ? p.match.split("|") : []));
  expect(sorted(symbols)).toEqual(sorted(COMPARE_OPS.filter((op) => !WORD_OPS.includes(op))));
  const declarations = patternsOf(GRAMMAR).filter((p) => p.captures?.["1"]?.name?.startsWith("storage.type."));
  expect(sorted(declarations.flatMap((p) => wordsOf(p.match)))).toEqual(sorted(Object.keys(DECL_SCHEMAS)));
});
