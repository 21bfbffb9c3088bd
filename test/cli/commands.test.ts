// The other commands: fmt (rewrite and --check), graph (formats, one route, errors), help and
// version, usage errors, and the promise that nothing ever prints a stack trace.
import { afterAll, describe, expect, spyOn, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.ts";
import { BROKEN, CLEAN, cleanupScratch, cli, scratch, STACK_LINE } from "./run-cli.ts";

afterAll(cleanupScratch);

describe("help, version and usage errors", () => {
  test("--version prints the package version", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dir, "../../package.json"), "utf8"));
    const r = cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`switchyard ${pkg.version}\n`);
  });

  test("help and --help print the usage with every command and the exit codes", () => {
    for (const args of [["help"], ["--help"], ["lint", "--help"]]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      for (const word of ["serve", "lint", "fmt", "graph", "--check-env", "70 internal error"])
        expect(r.stdout).toContain(word);
    }
  });

  test("no command, or an unknown one, exits 2 with a suggestion", () => {
    expect(cli([]).code).toBe(2);
    const r = cli(["lnit"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("error: unknown command `lnit`; did you mean `lint`?");
  });

  test("simulate and state are dispatched to their own command lines", () => {
    const sim = cli(["simulate", "--help"]);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toContain("usage: switchyard simulate");
    expect(cli(["state"]).code).toBe(2);
  });

  test("serve option mistakes are usage errors too", () => {
    const r = cli(["serve", "--prot", "80"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option `--prot`");
  });
});

describe("internal errors", () => {
  test("an unexpected exception becomes `internal error: …` and exit 70, without a stack trace", async () => {
    const writes: string[] = [];
    const spy = spyOn(process.stderr, "write").mockImplementation(
      ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write,
    );
    const boom = new Error("kaboom\n    at somewhere (file.ts:1:1)");
    let code: number | null;
    try {
      code = await runCli(["explode"], {
        explode: async () => async () => {
          throw boom;
        },
      });
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(70);
    const text = writes.join("");
    expect(text).toStartWith("internal error: kaboom\n");
    expect(text).not.toMatch(STACK_LINE);
  });
});

describe("fmt", () => {
  const messy = "route r {otherwise->[a]}\nprovider sim {kind simulated}\nmodel a {provider sim can [chat]}\n";

  test("--check lists unformatted files and exits 1 without touching them", () => {
    const dir = scratch({ "messy.route": messy, "tidy.route": "" });
    const r = cli(["fmt", "--check", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${join(dir, "messy.route")}\n`);
    expect(readFileSync(join(dir, "messy.route"), "utf8")).toBe(messy);
  });

  test("rewrites in place; afterwards --check is clean and the policy means the same", () => {
    const dir = scratch({ "messy.route": messy });
    const before = cli(["graph", "--format", "json", join(dir, "messy.route")]).stdout;
    const r = cli(["fmt", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("formatted");
    expect(readFileSync(join(dir, "messy.route"), "utf8")).not.toBe(messy);
    expect(cli(["fmt", "--check", dir]).code).toBe(0);
    const after = cli(["graph", "--format", "json", join(dir, "messy.route")]).stdout;
    const strip = (json: string) =>
      JSON.stringify(
        JSON.parse(json).routes.map((r: { rules: { line: number }[] }) => r.rules.map((x) => ({ ...x, line: 0 }))),
      );
    expect(strip(after)).toBe(strip(before));
  });

  test("a file that does not parse is reported and left alone", () => {
    const dir = scratch({ "broken.route": "route r { otherwise -> [a\n" });
    const r = cli(["fmt", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[SY1");
    expect(readFileSync(join(dir, "broken.route"), "utf8")).toBe("route r { otherwise -> [a\n");
  });

  test("a missing file exits 2", () => {
    expect(cli(["fmt", "--check", "nope/missing.route"]).code).toBe(2);
  });

  test("the shipped policies are formatted", () => {
    const r = cli(["fmt", "--check", "policies/"]);
    expect(r.stdout).toBe(""); // the files needing `switchyard fmt policies/` are listed here
    expect(r.code).toBe(0);
  });

  test("trailing comments stay on the line they annotate", () => {
    const source =
      "provider sim {\n  kind simulated  # offline\n}\n\nmodel a {\n  provider sim\n  can [chat]\n}\n\nroute r {\n  otherwise -> [a]  # the only one\n}\n";
    const dir = scratch({ "commented.route": source });
    expect(cli(["fmt", "--check", dir]).code).toBe(0);
    const messy = source.replace("kind simulated  # offline", "kind simulated        # offline");
    writeFileSync(join(dir, "commented.route"), messy);
    expect(cli(["fmt", dir]).code).toBe(0);
    expect(readFileSync(join(dir, "commented.route"), "utf8")).toBe(source);
  });
});

describe("graph", () => {
  test("text by default: routes, rules, candidates and settings", () => {
    const r = cli(["graph", "policies/default.route"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("route chat\n  rule 1");
    expect(r.stdout).toContain("outage every 2m for 30s (503)");
    expect(r.stderr).toBe("");
  });

  test("dot, mermaid and json", () => {
    expect(cli(["graph", "--format", "dot", "policies/default.route"]).stdout).toStartWith("digraph switchyard {");
    expect(cli(["graph", "--format", "mermaid", "policies/default.route"]).stdout).toStartWith("flowchart LR");
    const g = JSON.parse(cli(["graph", "--format", "json", "policies/default.route"]).stdout);
    expect(g.version).toBe(1);
  });

  test("--route narrows to one route", () => {
    const r = cli(["graph", "policies/default.route", "--route", "embed"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("route embed");
    expect(r.stdout).not.toContain("route chat");
  });

  test("an unknown route or format, or a missing argument, exits 2", () => {
    const unknown = cli(["graph", "policies/default.route", "--route", "chta"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("did you mean `chat`?");
    expect(cli(["graph", "--format", "svg", "policies/default.route"]).code).toBe(2);
    expect(cli(["graph"]).code).toBe(2);
    expect(cli(["graph", "a.route", "b.route"]).code).toBe(2);
    expect(cli(["graph", "nope/missing.route"]).code).toBe(2);
  });

  test("a broken policy exits 1 with its diagnostics on stderr and nothing on stdout", () => {
    const dir = scratch({ "bad.route": BROKEN, "ok.route": CLEAN });
    const r = cli(["graph", join(dir, "bad.route")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error[SY");
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(cli(["graph", join(dir, "ok.route")]).code).toBe(0);
  });
});
