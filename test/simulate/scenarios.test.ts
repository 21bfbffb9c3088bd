// Every shipped scenario holds on the policy it was written for: `simulate` exits 0.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { runSimulateCli } from "../../src/simulate/cli.ts";
import { run } from "./helpers.ts";

const ROOT = `${import.meta.dir}/../..`;
const DIR = `${ROOT}/policies/scenarios`;

/** Each scenario names its policy in a `# run: npm run simulate -- <policy> <scenario>` comment. */
function policyOf(file: string): string {
  const m = /^# run: npm run simulate -- (\S+) (\S+)$/m.exec(readFileSync(`${DIR}/${file}`, "utf8"));
  if (!m) throw new Error(`${file} has no \`# run:\` line naming its policy`);
  expect(m[2]).toBe(`policies/scenarios/${file}`);
  return `${ROOT}/${m[1]}`;
}

describe("shipped scenarios", () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  test("cover the five situations the gateway is built for, plus the embedded default policy, team budgets, the response cache, three instances and the compare example", () => {
    expect(files).toEqual([
      "default-outage.yaml",
      "eval-repeats.yaml",
      "free-tier-day.yaml",
      "openai-outage-compare.yaml",
      "primary-outage.yaml",
      "rate-limit-storm.yaml",
      "slow-provider.yaml",
      "stream-breaks.yaml",
      "team-budgets.yaml",
      "three-instances.yaml",
    ]);
  });

  for (const file of files) {
    test(`${file} exits 0`, async () => {
      let out = "";
      let err = "";
      const code = await runSimulateCli([policyOf(file), `${DIR}/${file}`], {
        stdout: (t) => void (out += t),
        stderr: (t) => void (err += t),
        color: false,
      });
      if (code !== 0) console.error(out + err);
      expect(err).toBe("");
      expect(out).toContain("expectations hold");
      expect(code).toBe(0);
    }, 20_000); // a virtual day of three instances takes ~2 s of CPU; a loaded CI machine can triple that
  }
});

describe("the shipped compare example", () => {
  test("multi-provider-v2 is far cheaper but fails the success gate during the OpenAI outage (exit 1)", async () => {
    const file = "openai-outage-compare.yaml";
    const m = /^# compare: npm run simulate -- (.+)$/m.exec(readFileSync(`${DIR}/${file}`, "utf8"));
    if (!m) throw new Error(`${file} has no \`# compare:\` line`);
    const argv = m[1]!.split(" ").map((a) => (a.startsWith("policies/") ? `${ROOT}/${a}` : a));
    const { code, out, err } = await run(...argv);
    expect(err).toBe("");
    expect(out).toMatch(/FAIL {2}success: [\d.]+% is [\d.]+ points below 100%/);
    expect(out).toMatch(/pass {2}cost\+10%: \$[\d.]+ is [\d.]+% below/);
    expect(out).toMatch(/\d+ fail only under new/);
    expect(out).toContain("1 of 3 gates failed");
    expect(code).toBe(1);
  });
});
