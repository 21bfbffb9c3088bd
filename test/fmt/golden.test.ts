// Exact outputs for the layout rules documented in src/syntax/format.ts, one rule per test.
import { describe, expect, test } from "bun:test";
import { formatPolicy } from "../../src/syntax/format.ts";
import { quote } from "../../src/syntax/format-values.ts";
import { mustParse } from "./support.ts";

const fmt = (text: string) => formatPolicy(mustParse(text), text);

describe("formatPolicy goldens", () => {
  test("one member per line, two-space indent, blank line between declarations", () => {
    expect(fmt('provider p { kind openai  base_url "http://x" }\nmodel m{provider p}')).toBe(
      'provider p {\n  kind openai\n  base_url "http://x"\n}\n\nmodel m {\n  provider p\n}\n',
    );
  });

  test("short nested blocks stay on one line, long or list-holding ones open", () => {
    expect(fmt("defaults { timeout { connect 5s, total 5m } retry { attempts 2 on [429] } }")).toBe(
      "defaults {\n  timeout { connect 5s  total 5m }\n  retry {\n    attempts 2\n    on [429]\n  }\n}\n",
    );
    expect(fmt("defaults { timeout { connect 5s first_token 30s idle 30s total 5m } }")).toBe(
      "defaults {\n  timeout {\n    connect 5s\n    first_token 30s\n    idle 30s\n    total 5m\n  }\n}\n",
    );
  });

  test("a block that would pass 100 columns opens", () => {
    const long = "x".repeat(40);
    const out = fmt(`model m { headers { "a" "${long}"  "b" "${long}" } }`);
    expect(out).toBe(`model m {\n  headers {\n    "a" "${long}"\n    "b" "${long}"\n  }\n}\n`);
  });

  test("rules print on one line with the user's parentheses and raw literals", () => {
    expect(
      fmt(
        'route r { when (tools or vision)and tokens>1_000 -> weighted[a 3,b 1]{retry{attempts 1}} otherwise->route "x/y" }',
      ),
    ).toBe(
      'route r {\n  when (tools or vision) and tokens > 1_000 -> weighted [a 3, b 1] { retry { attempts 1 } }\n  otherwise -> route "x/y"\n}\n',
    );
  });

  test("comments: trailing stays trailing, own-line stays own-line, inline ones move before their member", () => {
    expect(fmt("model m { # opens\n  # lead\n  can [chat] # tail\n}")).toBe(
      "model m {  # opens\n  # lead\n  can [chat]  # tail\n}\n",
    );
    expect(fmt("route r {\n  when tools # c\n    -> [a]\n}")).toBe("route r {\n  # c\n  when tools -> [a]\n}\n");
  });

  test("a setting's list opens one item per line when it holds comments or is too long", () => {
    expect(fmt('gateway { keys [env("A"), # a\n env("B")] }')).toBe(
      'gateway {\n  keys [\n    env("A"),  # a\n    env("B"),\n  ]\n}\n',
    );
    const names = Array.from({ length: 12 }, (_, i) => `model_number_${i}`);
    expect(fmt(`model m { can [${names.join(", ")}] }`)).toBe(
      `model m {\n  can [\n${names.map((n) => `    ${n},\n`).join("")}  ]\n}\n`,
    );
    expect(fmt("model m { can [chat, stream] }")).toBe("model m {\n  can [chat, stream]\n}\n");
  });

  test("blank lines inside blocks are kept once; none after `{` or before `}`", () => {
    expect(fmt("model m {\n\n  a 1\n\n\n\n  b 2\n  c 3\n\n}\n")).toBe("model m {\n  a 1\n\n  b 2\n  c 3\n}\n");
  });

  test("empty policy prints nothing; empty bodies print `{}`", () => {
    expect(fmt("  \n\n")).toBe("");
    expect(fmt("defaults {\n}\n")).toBe("defaults {}\n");
  });

  test("quoted keys and names are re-quoted with the grammar's escapes only", () => {
    expect(quote('a"b\\c\nd\te\u0001é')).toBe('"a\\"b\\\\c\\nd\\te\\u0001é"');
    expect(fmt('route "a\\u0041\\/b" { headers { "X-\\"q\\"" "v" } }')).toBe(
      'route "aA/b" {\n  headers { "X-\\"q\\"" "v" }\n}\n',
    );
  });
});
