// Golden fixtures for syntax errors, run through the whole pipeline (parse with recovery, then the
// checks that are safe on the declarations that parsed). Each `.route` file lists the diagnostics
// it must produce (`# expect CODE `underlined text``); `.expected.txt` holds the rendered output.
// `UPDATE_GOLDEN=1 bun test test/syntax` rewrites the goldens; review them by eye before committing.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIAGNOSTIC_CODES } from "../../src/check/index.ts";
import { renderHuman } from "../../src/check/render/human.ts";
import { compilePolicySource } from "../../src/compile/index.ts";

const DIR = join(import.meta.dir, "fixtures");
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith(".route"))
  .sort();
const UPDATE = process.env.UPDATE_GOLDEN === "1";

describe("syntax error fixtures", () => {
  for (const fixture of FIXTURES) {
    test(fixture, () => {
      const file = `fixtures/${fixture}`;
      const text = readFileSync(join(DIR, fixture), "utf8");
      const { graph, diagnostics } = compilePolicySource(text, file);
      expect(graph).toBeNull();
      const expected = [...text.matchAll(/^# expect (SY\d{4}) `(.*)`$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
      const actual = diagnostics.map((d) => `${d.code} ${text.slice(d.primary.span.start, d.primary.span.end)}`).sort();
      expect(actual).toEqual(expected);
      for (const d of diagnostics) {
        expect(DIAGNOSTIC_CODES[d.code]?.severity).toBe(d.severity);
        expect(d.help).not.toBeNull();
      }
      const rendered = renderHuman(diagnostics, new Map([[file, text]]), { color: false });
      const goldenPath = join(DIR, fixture.replace(/\.route$/, ".expected.txt"));
      if (UPDATE || !existsSync(goldenPath)) writeFileSync(goldenPath, rendered);
      expect(rendered).toBe(readFileSync(goldenPath, "utf8"));
    });
  }

  test("five syntax errors, two declarations holding two each, give five diagnostics in one run", () => {
    const text = readFileSync(join(DIR, "SY1001-five-errors.route"), "utf8");
    const { diagnostics } = compilePolicySource(text, "five.route");
    expect(diagnostics).toHaveLength(5);
    expect(diagnostics.every((d) => d.code.startsWith("SY1"))).toBe(true);
  });
});
