// Parser recovery: after an error the broken member is blanked and the declaration parsed again,
// so every error is reported once, offsets stay those of the file, and the declarations that
// parsed are handed to the checks that are safe on part of a policy.
import { describe, expect, test } from "bun:test";
import { parsePolicy } from "../../src/syntax/parse.ts";

const codes = (text: string) =>
  parsePolicy(text, "t.route").diagnostics.map(
    (d) => `${d.code} ${text.slice(d.primary.span.start, d.primary.span.end)}`,
  );

describe("recovery", () => {
  test("three errors inside one declaration are three diagnostics", () => {
    const text = "model m {\n  provider p\n  can [chat tools]\n  context 8kb\n  max_output 1 k\n}\n";
    expect(codes(text)).toEqual(["SY1001 tools", "SY1007 8kb", "SY1007 1 k"]);
  });

  test("a clean file parses as before, without a partial policy", () => {
    const r = parsePolicy("model m { provider p  can [chat] }\nroute r { otherwise -> [m] }\n", "t.route");
    expect(r.diagnostics).toEqual([]);
    expect(r.policy?.items.map((d) => d.name?.value)).toEqual(["m", "r"]);
    expect(r.partial).toBeUndefined();
  });

  test("the partial policy keeps every declaration that parsed, at its offsets in the file", () => {
    const text = "model a { provider p  can [chat x] }\nmodel b { provider p  can [chat] }\n";
    const r = parsePolicy(text, "t.route");
    expect(r.policy).toBeNull();
    const items = r.partial!.policy.items;
    expect(items.map((d) => d.name?.value)).toEqual(["a", "b"]);
    expect(text.slice(items[1].span.start, items[1].span.end)).toBe("model b { provider p  can [chat] }");
    expect(r.partial!.broken).toEqual([items[0].span]);
    expect(r.partial!.skipped).toBe(false);
  });

  test("an error in a declaration's header skips that declaration and goes on", () => {
    const r = parsePolicy(
      "model { provider p }\nmodel b { provider p  can [chat] }\nroute r { otherwise -> [b c] }\n",
      "t.route",
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(["SY1001", "SY1001"]);
    expect(r.partial!.skipped).toBe(true);
    expect(r.partial!.policy.items.map((d) => d.name?.value)).toEqual(["b", "r"]);
  });

  test("garbage between declarations is one error, and the declarations around it still parse", () => {
    const r = parsePolicy(
      "model a { provider p  can [chat] }\n}}] ) -> x\nmodel b { provider p  can [chat] }\n",
      "t.route",
    );
    expect(r.diagnostics).toHaveLength(1);
    expect(r.partial!.policy.items.map((d) => d.name?.value)).toEqual(["a", "b"]);
  });

  test("no more than 25 syntax errors are reported", () => {
    const text = "model m {\n" + "  can [a b]\n".repeat(60) + "}\n";
    expect(parsePolicy(text, "t.route").diagnostics).toHaveLength(25);
  });
});
