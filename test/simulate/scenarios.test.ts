// Every shipped scenario holds on the policy it was written for: `simulate` exits 0.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { runSimulateCli } from "../../src/simulate/cli.ts";

const ROOT = `${import.meta.dir}/../..`;
const DIR = `${ROOT}/policies/scenarios`;

/** Each scenario names its policy in a `# run: bun run simulate <policy> <scenario>` comment. */
function policyOf(file: string): string {
  const m = /^# run: bun run simulate (\S+) (\S+)$/m.exec(readFileSync(`${DIR}/${file}`, "utf8"));
  if (!m) throw new Error(`${file} has no \`# run:\` line naming its policy`);
  expect(m[2]).toBe(`policies/scenarios/${file}`);
  return `${ROOT}/${m[1]}`;
}

describe("shipped scenarios", () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort();

  test("cover the five situations the gateway is built for, plus the embedded default policy, team budgets, the response cache and three instances", () => {
    expect(files).toEqual([
      "default-outage.yaml",
      "eval-repeats.yaml",
      "free-tier-day.yaml",
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
    });
  }
});
