// Every code's message text lives in its message table (src/check/messages.ts, SYNTAX_MESSAGES):
// each code in the catalogue has constructors, and nothing else type-checks as a message. The
// `@ts-expect-error` lines are the type-level half: `npm run typecheck` compiles this file and
// fails if a free string (or another code's message) were accepted, since the directive would
// then be unused.
import { describe, expect, test } from "bun:test";
import { CHECK_CODES, DIAGNOSTIC_CODES, INPUT_CODES } from "../../src/check/codes.ts";
import { CheckContext } from "../../src/check/context.ts";
import { CHECK_MESSAGES, INPUT_MESSAGES } from "../../src/check/messages.ts";
import { inputDiagnostic } from "../../src/check/codes.ts";
import { SYNTAX_CODES, SYNTAX_MESSAGES, syntaxDiagnostic } from "../../src/syntax/codes.ts";
import { diagnosticOf, Session } from "../../src/syntax/diagnostic.ts";

const span = { start: 0, end: 1 };
const label = { file: "p.route", span, message: "" };

/** Each misuse below must be a type error; the calls run too, so the file is not dead code. */
function misuses(ctx: CheckContext): void {
  // @ts-expect-error a call site cannot write its own text
  ctx.report("SY2011", "unknown model `gpt5`", span, "");
  // @ts-expect-error nor pass another code's message
  ctx.report("SY2011", CHECK_MESSAGES.SY2012.unknownRoute({ name: "gpt5" }), span, "");
  // @ts-expect-error the constructors' arguments are typed
  ctx.error("SY2011", CHECK_MESSAGES.SY2011.unknownModel({ model: "gpt5" }), span, "");
  // @ts-expect-error diagnosticOf takes a message, not a string
  diagnosticOf(CHECK_CODES, "SY2011", "unknown model `gpt5`", label);
  // @ts-expect-error nor does a reading error
  inputDiagnostic("SY4001", "cannot read `p.route`", label);
  // @ts-expect-error a syntax code takes its own code's message
  syntaxDiagnostic("SY1001", label, { message: SYNTAX_MESSAGES.SY1007.noValidUnit({ written: "5 sec" }) });
  // @ts-expect-error the session's emit too
  ctx.session.emit("SY2011", "unknown model `gpt5`", label);
}

describe("message constructors", () => {
  test("every code in the catalogue has at least one, and no table names an unknown code", () => {
    const tables = { ...SYNTAX_MESSAGES, ...CHECK_MESSAGES, ...INPUT_MESSAGES } as Record<string, object>;
    expect(Object.keys(tables).sort()).toEqual(Object.keys(DIAGNOSTIC_CODES).sort());
    for (const [code, constructors] of Object.entries(tables)) {
      const names = Object.keys(constructors);
      expect(`${code}: ${names.length > 0}`).toBe(`${code}: true`);
      for (const name of names) expect(typeof (constructors as Record<string, unknown>)[name]).toBe("function");
    }
    expect(Object.keys(SYNTAX_MESSAGES).sort()).toEqual(Object.keys(SYNTAX_CODES).sort());
    expect(Object.keys(INPUT_MESSAGES).sort()).toEqual(Object.keys(INPUT_CODES).sort());
  });

  test("a typed message renders the text the checker has always printed, input in backticks", () => {
    const ctx = new CheckContext("p.route", new Session(CHECK_CODES), {});
    ctx.report("SY2011", CHECK_MESSAGES.SY2011.unknownModel({ name: "gpt5" }), span, "no model with this name");
    ctx.report("SY2008", CHECK_MESSAGES.SY2008.modelWithoutCan({ model: "fast" }), span, "");
    ctx.report("SY2020", CHECK_MESSAGES.SY2020.cycle({ routes: ["a", "b", "a"] }), span, "");
    expect(ctx.session.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual([
      "SY2011 error unknown model `gpt5`",
      "SY2008 error model `fast` has no `can`",
      "SY2020 error routes form a cycle: `a` → `b` → `a`",
    ]);
  });

  test("the misuses are caught by the types only; at run time they still build diagnostics", () => {
    const ctx = new CheckContext("p.route", new Session(CHECK_CODES), {});
    misuses(ctx);
    expect(ctx.session.diagnostics.length).toBe(4);
  });
});
