// The compile benchmark's generated policy must stay a clean policy, or the benchmark would time
// the error path instead of a real compile. Checked here at a small scale so it stays fast.
import { expect, test } from "bun:test";
import { generatePolicy } from "../../bench/compile-bench.ts";
import { compilePolicySource } from "../../src/compile/index.ts";

test("the benchmark policy compiles with no diagnostics and the requested size", () => {
  const result = compilePolicySource(generatePolicy(40, 200), "bench.route");
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(result.graph!.routes).toHaveLength(40);
  expect(result.graph!.models).toHaveLength(200);
});
