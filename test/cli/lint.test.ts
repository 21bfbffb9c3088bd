// `switchyard lint` as CI runs it: exit codes, every output format, per-file independence, sorted
// output, unreadable files, the opt-in missing-env check, and colour only on a terminal.
import { afterAll, describe, expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { BROKEN, CLEAN, cleanupScratch, cli, ROOT, scratch, STACK_LINE, WARNS } from "./run-cli.ts";

afterAll(cleanupScratch);

describe("exit codes", () => {
  test("the shipped policies lint clean, even with --deny-warnings and no keys in the environment", () => {
    const r = cli(["lint", "--deny-warnings", "policies/"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("6 policies checked, no problems");
  });

  test("no paths means policies/", () => {
    expect(cli(["lint"]).stderr).toContain("6 policies checked");
  });

  test("errors exit 1 and are rendered with the source line", () => {
    const dir = scratch({ "bad.route": BROKEN });
    const r = cli(["lint", join(dir, "bad.route")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[SY");
    expect(r.stdout).toContain("route r { when tools -> [gpt5] otherwise -> [aa] }");
    expect(r.stdout).not.toMatch(STACK_LINE);
  });

  test("warnings exit 0, or 1 under --deny-warnings", () => {
    const dir = scratch({ "warn.route": WARNS });
    const plain = cli(["lint", dir]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("warning[SY");
    expect(cli(["lint", "--deny-warnings", dir]).code).toBe(1);
  });

  test("a missing path exits 2 with SY4001, and the other files are still checked", () => {
    const dir = scratch({ "bad.route": BROKEN });
    const r = cli(["lint", join(dir, "bad.route"), join(dir, "missing.route")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("SY4001");
    expect(r.stdout).toContain("no such file");
    expect(r.stdout).toMatch(/error\[SY2\d{3}\]/);
  });

  test("an unreadable file inside a directory is skipped with SY4001", () => {
    const dir = scratch({ "ok.route": CLEAN });
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling.route"));
    const r = cli(["lint", dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("SY4001");
    expect(r.stdout).toContain("dangling.route");
  });

  test("usage mistakes exit 2 with a one-line reason and the usage", () => {
    for (const args of [
      ["lint", "--frmat", "json"],
      ["lint", "--format", "xml"],
      ["lint", "--format"],
    ]) {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^error: /);
      expect(r.stderr).toContain("usage: switchyard");
    }
    expect(cli(["lint", "--frmat", "json"]).stderr).toContain("did you mean `--format`?");
  });

  test("a directory without policies is a usage error", () => {
    const dir = scratch({ "notes.txt": "hi" });
    const r = cli(["lint", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no `.route` files");
  });
});

describe("files are independent and output is sorted", () => {
  test("each file is a complete policy: the same names in two files do not clash", () => {
    const dir = scratch({ "one.route": CLEAN, "two.route": CLEAN });
    expect(cli(["lint", "--deny-warnings", dir]).code).toBe(0);
  });

  test("diagnostics are sorted by file, then position", () => {
    const dir = scratch({ "b.route": BROKEN, "a.route": BROKEN, "sub/c.route": WARNS });
    const r = cli(["lint", "--format", "json", join(dir, "sub"), join(dir, "b.route"), dir]);
    const report = JSON.parse(r.stdout) as { diagnostics: { file: string; line: number; column: number }[] };
    const keys = report.diagnostics.map((d) => [d.file, d.line, d.column] as const);
    const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2]));
    expect(keys).toEqual(sorted);
    expect(new Set(keys.map((k) => k[0]))).toEqual(
      new Set([join(dir, "a.route"), join(dir, "b.route"), join(dir, "sub/c.route")]),
    );
  });
});

describe("formats", () => {
  const dir = scratch({ "bad.route": BROKEN, "warn.route": WARNS });

  test("json parses and counts", () => {
    const r = cli(["lint", "--format", "json", dir]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary.errors).toBeGreaterThanOrEqual(2);
    expect(report.summary.warnings).toBeGreaterThanOrEqual(1);
    expect(report.diagnostics[0]).toMatchObject({
      code: expect.stringMatching(/^SY\d{4}$/),
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  test("json of a clean run is still a json document", () => {
    const r = cli(["lint", "--format=json", "policies/"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics).toEqual([]);
  });

  test("sarif is version 2.1.0 with results", () => {
    const r = cli(["lint", "--format", "sarif", dir]);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBeGreaterThanOrEqual(3);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
  });

  test("github prints one workflow command per diagnostic", () => {
    const r = cli(["lint", "--format", "github", dir]);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+.*::.+/);
    expect(lines.some((l) => l.startsWith(`::error file=${join(dir, "bad.route")},line=3,col=`))).toBe(true);
  });
});

describe("--check-env", () => {
  const policy = `provider p { kind openai  key env("SWITCHYARD_CLI_TEST_KEY") }
model a { provider p  can [chat] }
route r { otherwise -> [a] }
`;
  const dir = scratch({ "env.route": policy });

  test("without it, the environment is not consulted (CI has no keys)", () => {
    expect(cli(["lint", "--deny-warnings", dir]).code).toBe(0);
  });

  test("with it, a missing variable is a warning naming it", () => {
    const r = cli(["lint", "--check-env", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("warning[SY");
    expect(r.stdout).toContain("SWITCHYARD_CLI_TEST_KEY");
    expect(cli(["lint", "--check-env", "--deny-warnings", dir]).code).toBe(1);
  });

  test("with it, a set variable is clean and its value never printed", () => {
    const r = cli(["lint", "--check-env", "--deny-warnings", "--format", "json", dir], {
      env: { SWITCHYARD_CLI_TEST_KEY: "sk-secret-value-1234" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain("sk-secret-value-1234");
  });
});

describe("colour", () => {
  const dir = scratch({ "bad.route": BROKEN });
  const ESC = "\u001b[";

  /** Runs the CLI on a pseudo-terminal (Bun's spawn `terminal`), so stdout.isTTY is true. */
  async function onTty(env: Record<string, string | undefined>): Promise<string> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: undefined, ...env }))
      if (v !== undefined) base[k] = v;
    let out = "";
    const decoder = new TextDecoder();
    const { promise: eof, resolve } = Promise.withResolvers<void>();
    const p = Bun.spawn([process.execPath, "src/cli/main.ts", "lint", join(dir, "bad.route")], {
      cwd: ROOT,
      env: base,
      terminal: {
        cols: 200,
        rows: 50,
        data: (_t, d) => void (out += decoder.decode(d, { stream: true })),
        exit: () => resolve(),
      },
    });
    await Promise.all([p.exited, eof]);
    return out;
  }

  test("never when piped", () => {
    expect(cli(["lint", dir]).stdout).not.toContain(ESC);
  });

  test("on a terminal, unless NO_COLOR is set", async () => {
    expect(await onTty({})).toContain(ESC);
    const plain = await onTty({ NO_COLOR: "1" });
    expect(plain).toContain("error[SY");
    expect(plain).not.toContain(ESC);
  });
});

describe("line endings", () => {
  // A comment first, so CR-only text where `#` runs to the next LF would swallow the whole file.
  const lines = [
    "# chat for everyone",
    "route chat {",
    '  when header "x" == "y" -> [a]',
    "  otherwise -> [b]",
    "}",
    "",
  ];

  test("CR-only, LF and CRLF files lint alike, with the same lines and columns", () => {
    const runs = ["\n", "\r\n", "\r"].map((eol) => {
      const dir = scratch({ "p.route": lines.join(eol) });
      const r = cli(["lint", "--format", "json", join(dir, "p.route")]);
      const found = JSON.parse(r.stdout).diagnostics.map(
        (d: { code: string; line: number; column: number; endLine: number; endColumn: number }) => [
          d.code,
          d.line,
          d.column,
          d.endLine,
          d.endColumn,
        ],
      );
      return { code: r.code, found };
    });
    expect(runs[0]!.code).toBe(1);
    expect(runs[0]!.found).toEqual([
      ["SY2011", 3, 30, 3, 31],
      ["SY2011", 4, 17, 4, 18],
    ]);
    expect(runs[1]).toEqual(runs[0]!);
    expect(runs[2]).toEqual(runs[0]!);
  });

  test("the human renderer shows a CR-only file's own line under a diagnostic", () => {
    const dir = scratch({ "p.route": lines.join("\r") });
    const r = cli(["lint", join(dir, "p.route")]);
    expect(r.stdout).toContain(":4:17\n");
    expect(r.stdout).toContain("4 |   otherwise -> [b]\n");
  });

  test("fmt rewrites a CR-only file with LF line breaks", () => {
    const dir = scratch({ "p.route": "route chat {\r  otherwise -> [b]\r}\r" });
    expect(cli(["fmt", "--check", join(dir, "p.route")]).code).toBe(1);
  });
});
