// Goldens for the terminal renderer with colour off, plus the edge cases a golden alone would not
// pin down: tabs, long lines, zero-width and multi-line spans, missing sources, control bytes.
import { describe, expect, test } from "bun:test";
import { renderHuman } from "../../src/check/render/index.ts";
import { MAIN, MODELS, at, crossFile, diag, mainText, modelsText, sources, unknownModel } from "./diagnostics.ts";

const plain = { color: false };

describe("renderHuman", () => {
  test("renders the canonical single-label diagnostic", () => {
    expect(renderHuman([unknownModel], sources, plain)).toBe(
      [
        "error[SY2001]: unknown model `gpt4`",
        " --> policies/main.route:3:17",
        "  |",
        "3 |   otherwise -> [gpt4, claude]",
        "  |                 ^^^^ not declared",
        "  |",
        "  = help: did you mean `gpt4o`?",
        "",
        "1 error, 0 warnings",
        "",
      ].join("\n"),
    );
  });

  test("renders a secondary label in another file with its own frame, and a multi-file summary", () => {
    expect(renderHuman([unknownModel, crossFile], sources, plain)).toBe(
      [
        "error[SY2001]: unknown model `gpt4`",
        " --> policies/main.route:3:17",
        "  |",
        "3 |   otherwise -> [gpt4, claude]",
        "  |                 ^^^^ not declared",
        "  |",
        "  = help: did you mean `gpt4o`?",
        "",
        "warning[SY2002]: model `gpt4o` is used before its provider is configured",
        " --> policies/main.route:2:18",
        "  |",
        "2 |   when tools -> [gpt4o]",
        "  |                  ^^^^^ used here",
        " ::: policies/models.route:2:12",
        "  |",
        "2 |   provider openai",
        "  |            ------ provider declared here",
        "  |",
        "  = note: providers need a `key` to be reachable",
        "",
        "1 error, 1 warning",
        "",
      ].join("\n"),
    );
  });

  test("secondary labels on other lines of the same file share the frame, in line order", () => {
    const d = diag({
      code: "SY2003",
      message: "duplicate model",
      primary: at(MODELS, modelsText + "\n\n\n\nmodel gpt4o {}\n", "gpt4o", "declared again", 1),
      secondary: [at(MODELS, modelsText, "gpt4o", "first declared here")],
    });
    const text = modelsText + "\n\n\n\nmodel gpt4o {}\n";
    expect(renderHuman([d], new Map([[MODELS, text]]), plain)).toBe(
      [
        "error[SY2003]: duplicate model",
        " --> policies/models.route:8:7",
        "  |",
        "1 | model gpt4o {",
        "  |       ----- first declared here",
        "...",
        "8 | model gpt4o {}",
        "  |       ^^^^^ declared again",
        "",
        "1 error, 0 warnings",
        "",
      ].join("\n"),
    );
  });

  test("a single skipped line is shown instead of `...`", () => {
    const d = diag({
      code: "X1",
      message: "m",
      primary: at(MAIN, mainText, "otherwise"),
      secondary: [at(MAIN, mainText, "chat", "x")],
    });
    const out = renderHuman([d], sources, plain);
    expect(out).toContain("1 | route chat {\n  |       ---- x\n2 |   when tools -> [gpt4o]\n3 |   otherwise");
    expect(out).not.toContain("...");
  });

  test("zero-width spans get one caret, also at the end of the file", () => {
    const text = "route a {\n";
    const d = diag({
      code: "SY1001",
      message: "unexpected end of file",
      primary: { file: "e.route", span: { start: text.length, end: text.length }, message: "" },
    });
    const out = renderHuman([d], new Map([["e.route", text]]), plain);
    expect(out).toContain(" --> e.route:2:1\n  |\n2 |\n  | ^\n");
    const mid = diag({
      code: "SY1001",
      message: "m",
      primary: { file: "e.route", span: { start: 6, end: 6 }, message: "here" },
    });
    expect(renderHuman([mid], new Map([["e.route", text]]), plain)).toContain("1 | route a {\n  |       ^ here\n");
  });

  test("multi-line spans underline the first line to its end and say …", () => {
    const d = diag({ code: "SY2004", message: "empty route", primary: at(MAIN, mainText, "{\n  when", "this block") });
    expect(renderHuman([d], sources, plain)).toContain("1 | route chat {\n  |            ^… this block\n");
  });

  test("tabs are expanded and the underline follows them", () => {
    const text = "route a {\n\twhen\ttools -> [x]\n}\n";
    const d = diag({ code: "X1", message: "m", primary: at("t.route", text, "tools", "cap") });
    const out = renderHuman([d], new Map([["t.route", text]]), plain);
    expect(out).toContain("2 |     when    tools -> [x]\n  |             ^^^^^ cap\n");
    expect(out).not.toContain("\t");
  });

  test("very long lines are clipped around the span", () => {
    const text = "a".repeat(500) + " needle " + "b".repeat(500);
    const d = diag({ code: "X1", message: "m", primary: at("l.route", text, "needle", "here") });
    const out = renderHuman([d], new Map([["l.route", text]]), plain);
    const [source, underline] = out.split("\n").slice(3, 5);
    expect(source.length).toBeLessThan(110);
    expect(source).toMatch(/^1 \| …a+ needle b+…$/);
    expect(underline.indexOf("^")).toBe(source.indexOf("needle"));
    expect(out).toContain(" --> l.route:1:502");
  });

  test("control characters from the source or messages never reach the terminal raw", () => {
    const text = 'provider "\x1b[31mx" {}\n';
    const d = diag({ code: "X1", message: "bad name `\x1b[2J`", primary: at("c.route", text, "provider") });
    const out = renderHuman([d], new Map([["c.route", text]]), plain);
    expect(out).not.toContain("\x1b");
    expect(out).toContain("bad name `\\u001b[2J`");
  });

  test("wide characters take two cells and combining marks none, so carets stay aligned", () => {
    const text = 'model m { upstream "中文😀e\u0301" bad }\n';
    const d = diag({ code: "X1", message: "m", primary: at("u.route", text, "bad", "here") });
    expect(renderHuman([d], new Map([["u.route", text]]), plain)).toContain(
      '1 | model m { upstream "中文😀e\u0301" bad }\n  |                              ^^^ here\n',
    );
  });

  test("bidi overrides and C1 controls in source lines are replaced", () => {
    const text = 'model m { upstream "a\u202eb\u009bc" }\n';
    const d = diag({ code: "X1", message: "m \u202e", primary: at("b.route", text, "upstream") });
    const out = renderHuman([d], new Map([["b.route", text]]), plain);
    expect(out).not.toMatch(/[\u202e\u009b]/);
    expect(out).toContain("m \\u202e");
  });

  test("without the file's text only the location is shown", () => {
    const d = diag({
      code: "SY1003",
      message: "binary",
      primary: { file: "bin.route", span: { start: 40, end: 41 }, message: "" },
      help: "check the file",
    });
    expect(renderHuman([d], new Map(), plain)).toBe(
      "error[SY1003]: binary\n --> bin.route\n  = help: check the file\n\n1 error, 0 warnings\n",
    );
  });

  test("an empty source gives a location but no frame", () => {
    const d = diag({
      code: "SY1004",
      message: "too large",
      primary: { file: "big.route", span: { start: 0, end: 0 }, message: "" },
      help: "split it",
    });
    expect(renderHuman([d], new Map([["big.route", ""]]), plain)).toBe(
      "error[SY1004]: too large\n --> big.route:1:1\n  = help: split it\n\n1 error, 0 warnings\n",
    );
  });

  test("gutter widens for line numbers of several digits", () => {
    const text = "\n".repeat(120) + "model x {}\n";
    const d = diag({ code: "X1", message: "m", severity: "info", primary: at("w.route", text, "x") });
    expect(renderHuman([d], new Map([["w.route", text]]), plain)).toStartWith(
      "info[X1]: m\n   --> w.route:121:7\n    |\n121 | model x {}\n    |       ^\n",
    );
  });

  test("colour is ANSI only when asked", () => {
    expect(renderHuman([unknownModel], sources, { color: true })).toContain("\x1b[1;31merror[SY2001]\x1b[0m");
    expect(renderHuman([unknownModel], sources, plain)).not.toContain("\x1b");
  });

  test("no diagnostics render as nothing", () => {
    expect(renderHuman([], sources, plain)).toBe("");
  });
});

describe("clipping with wide characters", () => {
  test("the window never splits a wide character, whatever the offset", () => {
    for (let pad = 0; pad < 4; pad++) {
      const text = "x".repeat(pad) + "中".repeat(150) + " target " + "中".repeat(150);
      const d = diag({ code: "X1", message: "m", primary: at("w.route", text, "target") });
      const [source, underline] = renderHuman([d], new Map([["w.route", text]]), plain)
        .split("\n")
        .slice(3, 5);
      const cells = Bun.stringWidth(source.slice(0, source.indexOf("target")));
      expect(underline.indexOf("^")).toBe(cells);
      expect(Bun.stringWidth(source)).toBeLessThanOrEqual(4 + 100);
    }
  });
});
