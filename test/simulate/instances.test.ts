// `instances:` in a scenario: N engines share one in-memory store through serve's sync. Sharing is
// shown against the same run with `shared: false` (each instance alone, as without shared_state).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { compilePolicyFile } from "../../src/compile/index.ts";
import { parseScenario } from "../../src/simulate/scenario-load.ts";
import { runSimulation } from "../../src/simulate/run.ts";
import { renderHtml } from "../../src/simulate/render-html.ts";
import { renderText } from "../../src/simulate/render-text.ts";

const root = `${import.meta.dir}/../..`;
const graph = (await compilePolicyFile(`${root}/policies/free-tiers.route`)).graph!;
const shipped = readFileSync(`${root}/policies/scenarios/three-instances.yaml`, "utf8");

function scenario(instances: string) {
  const text = shipped
    .replace(/^instances: .*$/m, `instances: ${instances}`)
    .replace(/^duration: .*$/m, "duration: 10m");
  const parsed = parseScenario(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scenario;
}
const run = (instances: string) => runSimulation({ graph, scenario: scenario(instances), policyName: "free-tiers" });
const minuteQuota = (s: Awaited<ReturnType<typeof run>>) =>
  s.instances!.quotas.find((q) => q.model === "groq-free" && q.window === "minute")!;
const result = (s: Awaited<ReturnType<typeof run>>, prefix: string) =>
  s.expectations.find((e) => e.check.startsWith(prefix))!;

describe("simulate instances", () => {
  const shared = run("{ count: 3, propagation: 2ms }");
  const alone = run("{ count: 3, shared: false }");

  test("a quota shared by three instances is spent about once; alone, about three times", async () => {
    const s = await shared;
    const a = await alone;
    expect(minuteQuota(s).peak).toBeLessThanOrEqual(33);
    expect(minuteQuota(a).peak).toBeGreaterThan(75);
    const spread = s.instances!.rows.map((r) => r.requests);
    expect(Math.max(...spread) - Math.min(...spread)).toBeLessThanOrEqual(1); // round robin
    expect(s.instances!.rows.every((r) => r.store === "up")).toBe(true);
    expect(a.instances!.rows.every((r) => r.store === "alone")).toBe(true);
  });

  test("one probe per cool-down cluster-wide when shared, one per instance alone", async () => {
    expect(result(await shared, "probes to").passed).toBe(true);
    const lone = result(await alone, "probes to");
    expect(lone.passed).toBe(false);
    expect(lone.measured).toStartWith("at most 3 in 1m");
  });

  test("the shipped scenario's expectations hold", async () => {
    const parsed = parseScenario(shipped);
    if (!parsed.ok) throw new Error("scenario does not parse");
    const s = await runSimulation({ graph, scenario: parsed.scenario, policyName: "free-tiers" });
    expect(s.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(s.instances!.count).toBe(3);
  });

  test("text and HTML reports show a row per instance and the quota against its limit", async () => {
    const s = await shared;
    const text = renderText(s);
    expect(text).toContain("instances     3 behind round robin, one shared store, propagation 2ms");
    expect(text).toMatch(/^ {2}3 +\d+ +\d+ +\d+ +\d+ +up$/m);
    expect(text).toContain(`quota groq-free requests 30/minute: at most ${minuteQuota(s).peak} served`);
    expect(text).toContain("(instance ");
    const html = renderHtml(s);
    expect(html).toContain("<h2>instances</h2>");
    expect(html).toContain("<td>groq-free</td><td>30/minute</td>");
  });

  test("the same seed gives the same report", async () => {
    const again = await run("{ count: 3, propagation: 2ms }");
    expect(JSON.stringify(again)).toBe(JSON.stringify(await shared));
  });

  test("a longer propagation delay lets more through, still bounded", async () => {
    const slow = await run("{ count: 3, propagation: 40ms }");
    const fast = minuteQuota(await shared).peak;
    expect(minuteQuota(slow).peak).toBeGreaterThanOrEqual(fast);
    expect(minuteQuota(slow).peak).toBeLessThan(minuteQuota(await alone).peak);
  });

  test("bad instances values are errors with a line", () => {
    for (const [value, message] of [
      ["0", "expected at least 1 instance"],
      ["{ count: 3, balance: sticky }", "expected `round_robin` or `random`"],
      ["{ count: 3, propagation: soon }", "expected a duration"],
      ["{ count: 3, speed: 1 }", "unknown field `speed`"],
    ] as const) {
      const parsed = parseScenario(shipped.replace(/^instances: .*$/m, `instances: ${value}`));
      expect(parsed.ok).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.problems[0]!.path).toBe("instances");
      expect(parsed.problems[0]!.message).toContain(message);
      expect(parsed.problems[0]!.line).toBe(11);
    }
  });
});
