// A literal key in a policy is an error, and printing that error must not leak the key again.
import { expect, test } from "bun:test";
import { compilePolicySource } from "../../src/compile/index.ts";
import { renderDiagnostics } from "../../src/check/render/index.ts";

const KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4";
const source = `provider openai {\n  kind openai\n  key "${KEY}"\n}\nmodel m { provider openai  can [chat] }\nroute chat { otherwise -> m }\n`;

test("no renderer prints a literal key found in a policy", () => {
  const { diagnostics } = compilePolicySource(source, "leak.route");
  expect(diagnostics.some((d) => d.secret)).toBe(true);
  for (const format of ["human", "json", "sarif", "github"] as const) {
    const out = renderDiagnostics(diagnostics, format, new Map([["leak.route", source]]), { color: false });
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(KEY.slice(8));
  }
});

test("another diagnostic on the secret's line does not print it either", () => {
  const password = "hunter2hunter2";
  const text = `gateway {\n  shared_state { redis "redis://:${password}@10.0.0.5:6379"  prefix "sy prod*" }\n}\n${source}`;
  const { diagnostics } = compilePolicySource(text, "leak.route");
  expect(diagnostics.map((d) => d.code)).toContain("SY2038");
  const out = renderDiagnostics(diagnostics, "human", new Map([["leak.route", text]]), { color: false });
  expect(out).not.toContain(password);
  expect(out).not.toContain(KEY.slice(8));
});
