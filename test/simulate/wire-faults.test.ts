// The faults added for the conformance pack, scripted in ordinary scenario YAML: a Retry-After as
// an HTTP-date, an in-band error event after content, a missing terminator, a finish followed by a
// dropped connection, and a `length` stop. Each runs through the engine as in any scenario.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { compilePolicySource } from "../../src/compile/index.ts";
import { runScenario } from "../../src/simulate/run.ts";
import { parseScenario } from "../../src/simulate/scenario-load.ts";
import { scenario, TWO_MODELS } from "./helpers.ts";

/** The two-model fixture, but retrying `a` once, so a Retry-After is waited out on the same model. */
const RETRYING = compilePolicySource(
  readFileSync(TWO_MODELS, "utf8").replace("attempts 1", "attempts 2"),
  "retrying.route",
).graph!;

async function rowsOf(yaml: string, graph = RETRYING) {
  return (await runScenario({ graph, scenario: scenario(yaml), policyName: "t", trails: true })).rows;
}

const ONE_STREAM = `traffic: [{ route: chat, count: 1, from: 300ms, until: 301ms, mix: { stream: 100% } }]`;

describe("wire-level faults in scenario files", () => {
  test("`retry_after_format: date` sends an HTTP-date: the retry waits to that whole second", async () => {
    const faults = (format: string) => `duration: 1s
${ONE_STREAM}
models: { a: { faults: [{ at: 0s, for: 800ms, fault: status, status: 429, retry_after: 2s, retry_after_format: ${format} }] } }`;
    const [date] = await rowsOf(faults("date"));
    const [seconds] = await rowsOf(faults("seconds"));
    expect(date!.trail!.final).toBe("a:429,a:200");
    // 300 ms + 2 s is written as second 2: the retry starts at 2.0 s, not 2 s after the 429
    expect(date!.trail!.attempts[1]!.startedAt).toBe(2000);
    const [first, retry] = seconds!.trail!.attempts;
    expect(retry!.startedAt - first!.startedAt).toBe(2000);
  });

  test("an error event after content, and a stream without terminator, are continued on `b`", async () => {
    for (const fault of ["{ fault: error_event, tokens: 5 }", "{ fault: no_terminator }"]) {
      const [row] = await rowsOf(`duration: 1s
${ONE_STREAM}
models: { a: { faults: [{ at: 0s, ${fault.slice(2)}] } }`);
      expect([row!.ok, row!.continuations, row!.servedModel]).toEqual([true, 1, "b"]);
    }
  });

  test("a finish then a dropped connection, and a `length` stop, are whole answers: one attempt", async () => {
    for (const fault of ["{ fault: cut_after_finish }", "{ fault: length_stop, tokens: 5 }"]) {
      const [row] = await rowsOf(`duration: 1s
${ONE_STREAM}
models: { a: { faults: [{ at: 0s, ${fault.slice(2)}] } }`);
      expect([row!.ok, row!.continuations, row!.trail!.final]).toEqual([true, 0, "a:200"]);
    }
  });

  test("an unknown `retry_after_format` is an input error naming the choices", async () => {
    const r = parseScenario(`duration: 1s
${ONE_STREAM}
models: { a: { faults: [{ at: 0s, fault: status, status: 429, retry_after: 1s, retry_after_format: http }] } }`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ message: "expected `seconds` or `date`" });
  });
});
