// Round-trips every policy in test/fmt/corpus through the formatter: the result parses to the
// same tree, keeps every comment, and formatting it again changes nothing.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatPolicy } from "../../src/syntax/format.ts";
import { commentTexts, meaning, mustParse } from "./support.ts";

const dir = join(import.meta.dir, "corpus");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".route"))
  .sort();

describe("formatter corpus", () => {
  test("the corpus is not empty", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of files) {
    const source = new TextDecoder().decode(readFileSync(join(dir, name))); // strips a BOM, like the CLI
    const original = mustParse(source, name);
    const once = formatPolicy(original, source);

    test(`${name}: formatted output parses to the same tree`, () => {
      expect(meaning(mustParse(once, name))).toEqual(meaning(original));
    });

    test(`${name}: every comment is kept`, () => {
      expect(commentTexts(mustParse(once, name))).toEqual(commentTexts(original));
    });

    test(`${name}: formatting is idempotent`, () => {
      expect(formatPolicy(mustParse(once, name), once)).toBe(once);
    });

    test(`${name}: canonical text has no tabs, CRs, trailing spaces or blank runs`, () => {
      expect(once).not.toMatch(/\t|\r| \n|\n\n\n/);
      if (once !== "") expect(once.endsWith("\n") && !once.endsWith("\n\n")).toBe(true);
    });

    test(`${name}: without the source text, comments and meaning still survive`, () => {
      const blind = formatPolicy(original);
      const reparsed = mustParse(blind, name);
      expect(meaning(reparsed)).toEqual(meaning(original));
      expect(commentTexts(reparsed)).toEqual(commentTexts(original));
      expect(formatPolicy(reparsed, blind)).toBe(blind);
    });
  }
});
