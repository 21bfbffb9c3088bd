// Golden fixtures, one per diagnostic code: each `.route` file lists the diagnostics it must
// produce (`# expect CODE `underlined text``) and `.expected.txt` holds the rendered output.
// `UPDATE_GOLDEN=1 bun test test/check` rewrites the goldens; review them by eye before committing.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHECK_CODES, checkPolicy, type CheckCode } from "../../src/check/index.ts";
import { renderHuman } from "../../src/check/render/human.ts";
import { checkBounds } from "../../src/compile/analysis/bounds-check.ts";
import { compilePolicy } from "../../src/compile/index.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

const DIR = join(import.meta.dir, "fixtures");
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith(".route"))
  .sort();
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** Variables named UNSET_* are missing; everything else is set. */
const secrets = { get: (name: string) => (name.startsWith("UNSET_") ? undefined : "value-from-env") };

function run(fixture: string) {
  const file = `fixtures/${fixture}`;
  const text = readFileSync(join(DIR, fixture), "utf8");
  const parsed = parsePolicy(text, file);
  expect(parsed.diagnostics).toEqual([]);
  const serve = /^# options serve$/m.test(text);
  const diags = checkPolicy(parsed.policy!, { secrets, missingEnv: serve ? "error" : "warning" });
  // the checks that run on the compiled graph (bounds), as compilePolicySource runs them
  if (!diags.some((d) => d.severity === "error"))
    diags.push(...checkBounds(parsed.policy!, compilePolicy(parsed.policy!, text)));
  expect(diags.filter((d) => d.code.startsWith("SY1"))).toEqual([]);
  return { file, text, diags };
}

describe("golden fixtures", () => {
  test("there is a fixture for every documented code", () => {
    const docs = readFileSync(join(import.meta.dir, "../../docs/diagnostics.md"), "utf8");
    const documented = [...new Set(docs.match(/^## (SY[23]\d{3})/gm)!.map((h) => h.slice(3)))].sort();
    const covered = [...new Set(FIXTURES.map((f) => f.slice(0, 6)))].sort();
    expect(covered).toEqual(documented);
    expect(Object.keys(CHECK_CODES).sort()).toEqual(documented);
  });

  for (const fixture of FIXTURES) {
    test(fixture, () => {
      const { file, text, diags } = run(fixture);
      const expected = [...text.matchAll(/^# expect (SY\d{4}) `(.*)`$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
      const actual = diags.map((d) => `${d.code} ${text.slice(d.primary.span.start, d.primary.span.end)}`).sort();
      expect(actual).toEqual(expected);
      expect(diags.some((d) => d.code === fixture.slice(0, 6))).toBe(true);
      for (const d of diags) {
        expect(CHECK_CODES[d.code as CheckCode]).toBeDefined();
        expect(d.message).toBe(d.message.charAt(0).toLowerCase() + d.message.slice(1));
        expect(d.help).not.toBeNull();
        expect(d.severity).toBe(CHECK_CODES[d.code as CheckCode].severity);
      }
      const rendered = renderHuman(diags, new Map([[file, text]]), { color: false });
      const goldenPath = join(DIR, fixture.replace(/\.route$/, ".expected.txt"));
      if (UPDATE || !existsSync(goldenPath)) writeFileSync(goldenPath, rendered);
      expect(rendered).toBe(readFileSync(goldenPath, "utf8"));
    });
  }
});
