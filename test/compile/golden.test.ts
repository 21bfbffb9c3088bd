// Golden graph dumps of the shipped policies: the text printer's output and the full JSON graph.
// A change in either is a change in what the gateway will do, so it must show up in review.
// `UPDATE_GOLDEN=1 bun test test/compile` rewrites them; read the diff before committing.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compilePolicyFile } from "../../src/compile/index.ts";
import { printGraph } from "../../src/compile/print/index.ts";

const ROOT = join(import.meta.dir, "../..");
const GOLDEN = join(import.meta.dir, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const POLICIES = readdirSync(join(ROOT, "policies"))
  .filter((f) => f.endsWith(".route"))
  .sort();

function matchGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("shipped policies", () => {
  test("the six documented policies are shipped (multi-provider-v2: the --compare example)", () => {
    expect(POLICIES).toEqual([
      "default.route",
      "eval-cache.route",
      "free-tiers.route",
      "multi-provider-v2.route",
      "multi-provider.route",
      "teams.route",
    ]);
  });

  for (const file of POLICIES) {
    test(`${file} compiles with no diagnostics and matches its golden dumps`, async () => {
      // A relative path keeps the file name inside the dumps independent of the checkout location.
      const result = await compilePolicyFile(join(ROOT, "policies", file));
      expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(result.graph).not.toBeNull();
      const graph = { ...result.graph!, sources: [`policies/${file}`] };
      const base = file.replace(/\.route$/, "");
      matchGolden(`${base}.txt`, printGraph(graph, "text"));
      matchGolden(`${base}.json`, printGraph(graph, "json"));
    });
  }
});

test("the default policy works offline: only simulated providers, no keys, and a visible failover", async () => {
  const { graph } = await compilePolicyFile(join(ROOT, "policies/default.route"));
  expect(graph).not.toBeNull();
  expect(graph!.providers.every((p) => p.kind === "simulated" && p.keyEnv === null && p.baseUrl === null)).toBe(true);
  expect(graph!.gateway.clientKeyEnvs).toEqual([]);
  expect(graph!.providers.some((p) => p.sim?.outage !== null)).toBe(true);
  expect(graph!.providers.some((p) => p.sim?.outage === null)).toBe(true);
  expect(graph!.routes.map((r) => r.name)).toEqual(expect.arrayContaining(["chat", "fast", "embed"]));
  // Capability routing is visible: one text-only chat model next to vision/tools ones.
  const caps = graph!.models.map((m) => m.capNames);
  expect(caps.some((c) => c.includes("vision") && c.includes("tools"))).toBe(true);
  expect(caps.some((c) => c.includes("chat") && !c.includes("vision") && !c.includes("tools"))).toBe(true);
});
