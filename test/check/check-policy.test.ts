// checkPolicy as a whole: a realistic policy is clean, one broken file reports every problem in
// one run, options switch the env-var check between warning and error, and secrets never leak.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkPolicy, DIAGNOSTIC_CODES, type CheckOptions } from "../../src/check/index.ts";
import { parsePolicy } from "../../src/syntax/parse.ts";

function check(text: string, opts: CheckOptions = {}) {
  const parsed = parsePolicy(text, "test.route");
  expect(parsed.diagnostics).toEqual([]);
  const diags = checkPolicy(parsed.policy!, opts);
  return diags.map((d) => ({ ...d, text: text.slice(d.primary.span.start, d.primary.span.end) }));
}

const allSet = { get: () => "set" };

describe("checkPolicy", () => {
  test("the spec's full example policy gives no diagnostics", () => {
    const text = readFileSync(join(import.meta.dir, "policies/realistic.route"), "utf8");
    expect(check(text, { secrets: allSet, missingEnv: "error" })).toEqual([]);
  });

  test("the shipped policies check clean", () => {
    for (const name of ["default", "multi-provider", "free-tiers"]) {
      const path = join(import.meta.dir, `../../policies/${name}.route`);
      const text = readFileSync(path, "utf8");
      const diags = check(text, { secrets: allSet });
      expect({ name, diags: diags.map((d) => `${d.code} ${d.text}`) }).toEqual({ name, diags: [] });
    }
  });

  test("every problem of a file is reported in one run", () => {
    const text = `
provider openai { kind openia  key "sk-proj-AAAAbbbbCCCCdddd1234567890" }
model gpt4o { provider opnai  can [chat, visoin] }
model mini { provider openai  can [chat] }
defaults { retry { atempts 3  backoff { jitter 150% } } }
route chat {
  when vision -> [mini]
  when tokens > 50k -> [mini]
  when tokens > 100k -> [gpt4]
  when header "x-user" matches "(" -> route chepa
}
route a { otherwise -> route b }
route b { otherwise -> route a }
`;
    const diags = check(text);
    const got = diags.map((d) => `${d.code} ${d.text}`);
    expect(got).toEqual([
      "SY2005 openia",
      'SY2027 "sk-proj-AAAAbbbbCCCCdddd1234567890"',
      "SY3004 gpt4o",
      "SY2010 opnai",
      "SY2004 visoin",
      "SY2001 atempts",
      "SY2024 150%",
      "SY3001 chat",
      "SY2022 vision",
      "SY2021 tokens > 100k",
      "SY2011 gpt4",
      'SY2029 "("',
      "SY2012 chepa",
      "SY2020 route b",
    ]);
    for (const d of diags) expect(DIAGNOSTIC_CODES[d.code]).toBeDefined();
  });

  test("regexes that can backtrack exponentially are refused (SY2036); ordinary ones pass", () => {
    const policy = (pattern: string) =>
      `provider sim { kind simulated }\nmodel m { provider sim  can [chat] }\nroute r {\n  when header "x" matches ${JSON.stringify(pattern)} -> m\n  otherwise -> m\n}\n`;
    for (const bad of ["(a+)+$", "(a|a)*", "(.*)*", "^(\\d+)*$", "(\\w+\\s?)+$", "(a|ab)+", "((a+))+", "(x)\\1"]) {
      expect(check(policy(bad)).map((d) => d.code)).toEqual(["SY2036"]);
    }
    for (const good of [
      "^beta-",
      "^(gpt|claude)-",
      "^user-[0-9]+$",
      "^[a-z]+(-[a-z0-9]+)*$",
      "^([a-z0-9]+\\.)+[a-z]{2,}$",
      "([^,]+,)*",
      "(https?://)+",
      "^v\\d+(\\.\\d+){0,2}$",
      ".*foo.*",
      "\\((a+)\\)",
    ]) {
      expect(check(policy(good)).map((d) => `${good} ${d.code}`)).toEqual([]);
    }
  });

  test("diagnostics come sorted by position", () => {
    const text = `route r { when vison -> [x] }\nmodel q { can [chat] }\n`;
    const starts = check(text).map((d) => d.primary.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  describe("environment variables", () => {
    const text = `provider openai { kind openai  key env("OPENAI_API_KEY") }\nmodel m { provider openai  can [chat] }\nroute r { otherwise -> m }\n`;
    const unset = { get: (name: string) => (name === "OPENAI_API_KEY" ? undefined : "x") };

    test("are not checked without a secret source", () => {
      expect(check(text)).toEqual([]);
    });

    test("unset is a warning for lint and an error for serve", () => {
      expect(check(text, { secrets: unset }).map((d) => [d.code, d.severity, d.text])).toEqual([
        ["SY3005", "warning", 'env("OPENAI_API_KEY")'],
      ]);
      expect(check(text, { secrets: unset, missingEnv: "error" }).map((d) => [d.code, d.severity])).toEqual([
        ["SY2034", "error"],
      ]);
    });

    test("an empty value counts as unset", () => {
      expect(check(text, { secrets: { get: () => "" } }).map((d) => d.code)).toEqual(["SY3005"]);
    });
  });

  describe("secrets", () => {
    const SECRETS = [
      "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3",
      "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7",
      "Qm9vR2xlS2V5VGhhdElzTG9uZ0FuZFJhbmRvbTk",
    ];
    for (const secret of SECRETS) {
      test(`a key-like string is reported without echoing it: ${secret.slice(0, 4)}…`, () => {
        const text = `provider p { kind openai  base_url "http://127.0.0.1:1/v1"  headers { "X-Key" "${secret}" } }\nmodel m { provider p  can [chat] }\nroute r { otherwise -> m }\n`;
        const diags = check(text);
        expect(diags.map((d) => d.code)).toEqual(["SY2028"]);
        const shown = JSON.stringify(diags.map(({ text: _t, ...d }) => d));
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain(secret.slice(0, 12));
      });
    }

    test("a literal key field is reported once, redacted", () => {
      const secret = "sk-proj-REALLOOKINGkey1234567890abcdef";
      const diags = check(
        `provider p { kind openai  key "${secret}" }\nmodel m { provider p  can [chat] }\nroute r { otherwise -> m }\n`,
      );
      expect(diags.map((d) => d.code)).toEqual(["SY2027"]);
      expect(JSON.stringify(diags.map(({ text: _t, ...d }) => d))).not.toContain(secret.slice(0, 12));
      expect(diags[0].message).toContain("`sk-proj-…`");
    });

    test("ordinary strings are not mistaken for keys", () => {
      const text = `provider p { kind openai  base_url "https://my-resource.openai.azure.com/openai/deployments/GPT4o-Prod2024-EastUS/chat"  key env("K")  headers { "OpenAI-Organization" "org-123" } }
model m { provider p  upstream "accounts/fireworks/models/Llama-v3p1-405B-Instruct-Turbo2024"  can [chat] }
route r { when header "x-user" matches "^beta-[a-z0-9]+$" -> m  otherwise -> m }
`;
      expect(check(text)).toEqual([]);
    });
  });

  test("with `direct_models true` a model no route names is not unused (clients can name it)", () => {
    const policy = (direct: string) => `${direct}
provider sim { kind simulated }
model a { provider sim  can [chat] }
model spare { provider sim  can [chat] }
route r { otherwise -> a }
`;
    expect(check(policy("")).map((d) => d.code)).toEqual(["SY3004"]);
    expect(check(policy("gateway { direct_models true }"))).toEqual([]);
  });
});
