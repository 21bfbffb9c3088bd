// docs/diagnostics.md against the diagnostic catalogue (src/syntax/codes.ts, src/check/codes.ts):
// the page documents exactly the defined codes, each heading is the code's description (the
// page's backticks aside) and each code's severity is the one the page's range table gives.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DIAGNOSTIC_CODES } from "../../src/check/index.ts";

const docs = readFileSync(join(import.meta.dir, "../../docs/diagnostics.md"), "utf8");
const headings = new Map([...docs.matchAll(/^## (SY\d{4}) (.+)$/gm)].map((m) => [m[1], m[2].replaceAll("`", "")]));
const rangeSeverity = new Map(
  [...docs.matchAll(/^\| (SY\d)xxx \| .* \| (error|warning) \|$/gm)].map((m) => [m[1], m[2]]),
);

describe("docs/diagnostics.md and the catalogue", () => {
  test("document exactly the defined codes", () => {
    expect([...headings.keys()].sort()).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
  });

  test("each heading is the code's description", () => {
    const mismatched = Object.entries(DIAGNOSTIC_CODES).filter(
      ([code, spec]) => headings.get(code) !== spec.description,
    );
    expect(
      mismatched.map(([code, spec]) => `${code}: docs "${headings.get(code)}", catalogue "${spec.description}"`),
    ).toEqual([]);
  });

  test("each code has the severity the range table gives", () => {
    expect(rangeSeverity.size).toBe(4);
    for (const [code, spec] of Object.entries(DIAGNOSTIC_CODES))
      expect(`${code} ${spec.severity}`).toBe(`${code} ${rangeSeverity.get(code.slice(0, 3))}`);
  });

  test("every code has a description and a help", () => {
    for (const spec of Object.values(DIAGNOSTIC_CODES)) {
      expect(spec.description.length).toBeGreaterThan(0);
      expect(spec.help.length).toBeGreaterThan(0);
    }
  });
});
