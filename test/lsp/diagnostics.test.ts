// `switchyard lsp` publishes what `switchyard lint` reports, diagnostic for diagnostic: the shipped
// policies are clean, every checker fixture gets lint's codes, messages, spans and help, and an
// edit that breaks a policy (and the quick fix that repairs it) round-trips over stdio.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CodeAction, Diagnostic } from "vscode-languageserver-protocol/node";
import { cli } from "../cli/run-cli.ts";
import { LspClient, ROOT } from "./lsp-client.ts";

let client: LspClient;
beforeAll(async () => {
  client = new LspClient();
  await client.initialize();
});
afterAll(async () => {
  expect(await client.close()).toBe(0);
  expect(client.errors).toBe("");
});

const FIXTURES = "test/check/fixtures";

interface LintJson {
  diagnostics: {
    code: string;
    severity: string;
    message: string;
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    notes: string[];
    help: string | null;
    labels: { line: number; column: number; message: string; primary: boolean }[];
  }[];
}

test("the shipped policies open without diagnostics", async () => {
  for (const name of readdirSync(join(ROOT, "policies")).filter((f) => f.endsWith(".route"))) {
    const uri = await client.open(`policies/${name}`);
    expect({ name, diagnostics: await client.diagnostics(uri, 1) }).toEqual({ name, diagnostics: [] });
  }
});

test("every checker fixture gets lint's diagnostics: codes, messages, spans, notes and help", async () => {
  const lint = JSON.parse(cli(["lint", "--format", "json", FIXTURES]).stdout) as LintJson;
  const files = readdirSync(join(ROOT, FIXTURES)).filter((f) => f.endsWith(".route"));
  expect(files.length).toBeGreaterThan(30);
  expect(lint.diagnostics.some((d) => d.labels.length > 1)).toBe(true); // related spans are compared too
  for (const name of files) {
    const path = `${FIXTURES}/${name}`;
    const uri = await client.open(path);
    const got = (await client.diagnostics(uri, 1)).map((d) => [
      d.code,
      d.range.start.line + 1,
      d.range.start.character + 1,
      d.range.end.line + 1,
      d.range.end.character + 1,
      d.message,
      (d.relatedInformation ?? []).map((r) => [
        r.location.range.start.line + 1,
        r.location.range.start.character + 1,
        r.message,
      ]),
    ]);
    const want = lint.diagnostics
      .filter((d) => d.file === path)
      .map((d) => [
        d.code,
        d.line,
        d.column,
        d.endLine,
        d.endColumn,
        [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join("\n"),
        d.labels.filter((l) => !l.primary).map((l) => [l.line, l.column, l.message]),
      ]);
    expect({ name, got }).toEqual({ name, got: want });
  }
});

test("an edit is diagnosed, the did-you-mean quick fix repairs it, and the diagnostics clear", async () => {
  const path = "policies/default.route";
  const text = readFileSync(join(ROOT, path), "utf8");
  const uri = await client.open(path, text);
  await client.diagnostics(uri, 1);
  const broken = text.replace("otherwise -> [smart, swift, steady]", "otherwise -> [smrt, swift, steady]");
  await client.change(uri, 2, broken);
  const [diag] = (await client.diagnostics(uri, 2)) as Diagnostic[];
  expect(diag.code).toBe("SY2011");
  expect(diag.message).toBe("unknown model `smrt`\nhelp: did you mean `smart`?");
  expect(diag.range.start).toEqual(client.position(uri, "smrt"));

  const actions = await client.request<CodeAction[]>("textDocument/codeAction", uri, {
    range: diag.range,
    context: { diagnostics: [diag] },
  });
  expect(actions.map((a) => a.title)).toEqual(["Change to `smart`"]);
  expect(actions[0].edit!.changes![uri]).toEqual([{ range: diag.range, newText: "smart" }]);

  const [fix] = actions[0].edit!.changes![uri];
  await client.edit(uri, 3, fix.range, fix.newText); // applied as an editor does: an incremental change
  expect(client.text(uri)).toBe(text);
  expect(await client.diagnostics(uri, 3)).toEqual([]);
});

test("a syntax error is reported at its position and navigation keeps the last good policy", async () => {
  const text = "provider p { kind simulated }\nmodel m { provider p  can [chat] }\nroute r {\n  otherwise -> [m]\n}\n";
  const uri = await client.open("scratch/broken.route", text);
  expect(await client.diagnostics(uri, 1)).toEqual([]);
  const broken = text.replace("otherwise -> [m]", "otherwise -> [m");
  await client.change(uri, 2, broken);
  const diags = await client.diagnostics(uri, 2);
  expect(diags.map((d) => d.code)).toEqual(["SY1001"]);
  expect(diags[0].severity).toBe(1);
  await client.change(uri, 3, broken.replace("[m", "[m,")); // still broken: the last good version stays the one navigation uses
  expect((await client.diagnostics(uri, 3)).map((d) => d.code)).toEqual(["SY1001"]);
  const symbols = await client.request<{ name: string }[]>("textDocument/documentSymbol", uri);
  expect(symbols.map((s) => s.name)).toEqual(["p", "m", "r"]);
});

test("a route named as a model gets the `route x` quick fix", async () => {
  const text =
    "provider p { kind simulated }\nmodel m { provider p  can [chat] }\nroute cheap {\n  otherwise -> [m]\n}\nroute r {\n  otherwise -> cheap\n}\n";
  const uri = await client.open("scratch/route-as-model.route", text);
  const diags = await client.diagnostics(uri, 1);
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", uri, {
    range: diags[0].range,
    context: { diagnostics: diags },
  });
  expect(actions.map((a) => a.edit!.changes![uri])).toEqual([
    [
      {
        range: { start: client.position(uri, "cheap", 0, 2), end: client.position(uri, "cheap", 5, 2) },
        newText: "route cheap",
      },
    ],
  ]);
});

test("edits in quick succession are diagnosed once, for the latest text (debounced)", async () => {
  const debounced = new LspClient();
  await debounced.initialize(200);
  const text = "provider p { kind simulated }\nmodel m { provider p  can [chat] }\nroute r {\n  otherwise -> [m]\n}\n";
  const doc = await debounced.open("scratch/debounce.route", text);
  expect(await debounced.diagnostics(doc, 1)).toEqual([]); // opening is not delayed
  await debounced.change(doc, 2, text.replace("[m]", "[x]"));
  await debounced.change(doc, 3, text.replace("[m]", "[mm]"));
  expect((await debounced.diagnostics(doc, 3)).map((d) => String(d.message).split("\n")[0])).toEqual([
    "model `m` is never used",
    "unknown model `mm`",
  ]);
  expect(debounced.publishedVersions(doc)).toEqual([1, 3]);
  expect(await debounced.close()).toBe(0);
});
