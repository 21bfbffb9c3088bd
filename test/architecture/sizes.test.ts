// Sizes a reader can hold in their head (issue 10): no source file in src/ over 300 lines and no
// function over 80 (the generated parser aside), read from the syntax tree. The checker is shown
// catching a planted long function, so a size rule that silently stopped seeing would fail.
import { describe, expect, test } from "bun:test";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

const SRC = resolve(import.meta.dir, "../../src");
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

/** Functions (declarations, methods, arrows, accessors) longer than the limit, by name and length. */
function longFunctions(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const line = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body !== undefined) {
      const lines = line(node.getEnd()) - line(node.getStart()) + 1;
      if (lines > MAX_FUNCTION_LINES)
        found.push(`${path}:${line(node.getStart()) + 1} is a function of ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("sizes", () => {
  const files = sourceFiles(SRC).map((f) => [relative(SRC, f), readFileSync(f, "utf8")] as const);

  test(`no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .filter(([, text]) => text.split("\n").length > MAX_FILE_LINES)
      .map(([path, text]) => `${path}: ${text.split("\n").length} lines`);
    expect(long).toEqual([]);
  });

  test(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap(([path, text]) => longFunctions(path, text))).toEqual([]);
  }, 30_000); // parses every file: seconds on a loaded machine

  test("the checker catches a planted long function, arrow or method", () => {
    const body = "  x++;\n".repeat(MAX_FUNCTION_LINES);
    expect(longFunctions("a.ts", `function f() {\n${body}}\n`)).toHaveLength(1);
    expect(longFunctions("b.ts", `const g = () => {\n${body}};\n`)).toHaveLength(1);
    expect(longFunctions("c.ts", `class C {\n  m() {\n${body}  }\n}\n`)).toHaveLength(1);
    expect(longFunctions("d.ts", `function ok() {\n  x++;\n}\n`)).toEqual([]);
  });
});
