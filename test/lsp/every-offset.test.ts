// No cursor position breaks the editor features: completion and hover are computed at every offset
// of every shipped policy and checker fixture (in-process, the functions the server calls), and
// each either answers or says nothing, never throws.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyze } from "../../src/lsp/analysis.ts";
import { completionsAt } from "../../src/lsp/completion.ts";
import { hoverAt } from "../../src/lsp/hover.ts";
import { ROOT } from "./lsp-client.ts";

const files = ["policies", "test/check/fixtures"].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".route"))
    .map((f) => `${dir}/${f}`),
);

test("completion and hover answer at every offset of every policy and fixture", () => {
  let answered = 0;
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const analysis = analyze(text, file);
    for (let offset = 0; offset <= text.length; offset++) {
      const where = `${file}@${offset}`;
      try {
        completionsAt(text, offset, analysis.policy);
        if (analysis.policy && hoverAt(analysis.policy, analysis.occurrences, offset)) answered++;
      } catch (e) {
        throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  expect(answered).toBeGreaterThan(1000);
}, 60_000); // thousands of positions; generous for a loaded machine
