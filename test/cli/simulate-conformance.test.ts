// `switchyard simulate --conformance`: the scorecard, JSON, exit codes (0 no case failed, 1 one
// failed, 2 input error) and the hook from the simulate command.
import { describe, expect, test } from "bun:test";
import { runConformanceCli } from "../../src/cli/simulate-conformance.ts";

const ROOT = `${import.meta.dir}/../..`;
const WEAK = `${ROOT}/test/simulate/fixtures/weak.route`;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runConformanceCli(argv, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    color: false,
  });
  return { code, out, err };
}

describe("simulate --conformance", () => {
  test("a policy that passes: a scorecard per route and exit 0", async () => {
    const { code, out } = await run("--conformance", `${ROOT}/policies/default.route`, "--route", "fast");
    expect(code).toBe(0);
    expect(out).toContain("route fast  (primary swift; fallbacks steady)");
    expect(out).toContain("  pass    500-once                   retried `swift`, served\n");
    expect(out.trimEnd().endsWith("conformance: no case failed")).toBe(true);
  });

  test("a weak policy: exit 1, the failed count, and the reasons", async () => {
    const { code, out } = await run("--conformance", WEAK);
    expect(code).toBe(1);
    expect(out).toContain("3 pass, 0 partial, 2 safe, 15 fail");
    expect(out).toContain("no idle timeout caught it");
    expect(out.trimEnd().endsWith("conformance: 15 case(s) failed")).toBe(true);
  });

  test("--json carries the same scorecard", async () => {
    const { code, out } = await run("--conformance", WEAK, "--json");
    expect(code).toBe(1);
    const card = JSON.parse(out);
    expect(card.passed).toBe(false);
    expect(card.routes[0].results.find((x: { id: string }) => x.id === "500-once")).toMatchObject({ grade: "fail" });
  });

  test("input errors exit 2 with a message, never a stack trace", async () => {
    const unknown = await run("--conformance", WEAK, "--route", "nope");
    expect([unknown.code, unknown.err]).toEqual([2, "error: the policy has no route `nope`; its routes are `chat`\n"]);
    const missing = await run("--conformance", `${ROOT}/no-such.route`);
    expect(missing.code).toBe(2);
    expect(missing.err).not.toContain("    at ");
    const bare = await run("--conformance");
    expect(bare.code).toBe(2);
    expect(bare.err).toContain("usage: switchyard simulate --conformance");
    expect((await run("--conformance", WEAK, "--bogus")).code).toBe(2);
  });

  test("`switchyard simulate --conformance` reaches it from the command line", () => {
    const r = Bun.spawnSync(["bun", `${ROOT}/src/cli/main.ts`, "simulate", "--conformance", WEAK, "--json"]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout.toString()).routes[0].primary).toBe("solo");
  });
});
