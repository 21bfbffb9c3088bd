// After a syntax error the parser resumes at the next declaration; `key` and `team` are
// declarations too, so they are not dropped (which made a key's tag condition look undeclared).
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";

test("a key after a syntax error is still declared: only the syntax error is reported", () => {
  const source = `provider p { kind openai  base_url "http://127.0.0.1:1" }\nmodel m { provider p  can [chat] }\nwhen\nkey k { secret env("K")  tags { team "s" } }\nroute chat { when tag team "s" -> [m]  otherwise -> [m] }\n`;
  const codes = compilePolicySource(source, "t.route").diagnostics.map((d) => d.code);
  expect(codes).toEqual(["SY1001"]);
});
