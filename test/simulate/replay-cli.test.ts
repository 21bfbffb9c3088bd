// `simulate --replay`: the shipped example log replays through the policy that wrote it with the
// agreement the README states; `--window`, `--speed` and `--json` work; bad input exits 2 with a
// message, never a stack trace.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./helpers.ts";

const ROOT = `${import.meta.dir}/../..`;
const LOG = `${ROOT}/policies/scenarios/default-traffic.jsonl`;
const POLICY = `${ROOT}/policies/default.route`;
const dir = mkdtempSync(join(tmpdir(), "switchyard-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("simulate --replay", () => {
  test("the shipped example replays through its policy with ≥ 95% of served models agreeing", async () => {
    const { code, out, err } = await run("--replay", LOG, POLICY);
    expect(err).toBe("");
    expect(code).toBe(0);
    const m = /served model {2}(\d+)\/(\d+) requests/.exec(out)!;
    expect(Number(m[2])).toBe(300);
    expect(Number(m[1]) / Number(m[2])).toBeGreaterThanOrEqual(0.95);
    expect(out).toContain("smart  closed → open"); // the outage in the log opens the breaker in the replay
  });

  test("--json carries the agreement next to the usual summary", async () => {
    const { code, out } = await run("--replay", LOG, POLICY, "--json");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.replay.agreement.servedModelAgreement).toBeGreaterThanOrEqual(0.95);
    const { log, replay } = json.replay.agreement.successRate;
    expect(log).toBeLessThan(1); // steady cut some streams with nothing left to continue on
    expect(Math.abs(log - replay)).toBeLessThanOrEqual(0.005);
    expect(json.totals.requests).toBe(300);
  });

  test("--window cuts a slice and --speed compresses its timeline", async () => {
    const all = JSON.parse((await run("--replay", LOG, POLICY, "--json")).out);
    const slice = JSON.parse((await run("--replay", LOG, POLICY, "--json", "--window", "8s..20s")).out);
    expect(slice.totals.requests).toBeGreaterThan(100);
    expect(slice.totals.requests).toBeLessThan(130);
    expect(slice.replay.agreement.servedModelAgreement).toBeGreaterThanOrEqual(0.95);
    const fast = JSON.parse((await run("--replay", LOG, POLICY, "--json", "--speed", "2")).out);
    expect(fast.totals.requests).toBe(300);
    expect(fast.durationMs).toBeLessThan(all.durationMs * 0.55);
  });

  test("lines that are not request lines are skipped and counted", async () => {
    const lines = (await Bun.file(LOG).text()).split("\n").filter((l) => l.startsWith("{"));
    const path = file(
      "mixed.jsonl",
      [lines[0], "not json", '{"event":"reload","at":1}', lines[1].replace('"route":"chat"', '"route":"gone"')].join(
        "\n",
      ),
    );
    const { code, out } = await run("--replay", path, POLICY);
    expect(code).toBe(0);
    expect(out).toContain("1 requests (skipped: not json 1, not a request 1, route not in the policy 1)");
  });

  test("bad input exits 2 with a message", async () => {
    const empty = file("empty.jsonl", "# nothing here\n");
    const cases: [string[], string][] = [
      [["--replay", join(dir, "missing.jsonl"), POLICY], "cannot read the request log"],
      [["--replay", empty, POLICY], "has no request lines to replay"],
      [["--replay", LOG], "needs one policy file, got 0"],
      [["--replay", LOG, POLICY, "--speed", "0"], "`--speed` takes a number above 0"],
      [["--replay", LOG, POLICY, "--window", "20s..8s"], "`--window` takes FROM..TO"],
      [["--replay", LOG, POLICY, "--window", "soon"], "`--window` takes FROM..TO"],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await run(...argv);
      expect(err).toContain(message);
      expect(err).not.toContain("    at ");
      expect(code).toBe(2);
    }
  });
});
