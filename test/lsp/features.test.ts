// The editor features of `switchyard lsp` over stdio on the shipped multi-provider policy and small
// scratch documents: hover, definition, references, rename, completion, outline and formatting.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type {
  CompletionItem,
  DocumentSymbol,
  Hover,
  Location,
  Position,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { cli } from "../cli/run-cli.ts";
import { LspClient } from "./lsp-client.ts";

let client: LspClient;
let uri: string;
beforeAll(async () => {
  client = new LspClient();
  await client.initialize();
  uri = await client.open("policies/multi-provider.route");
  await client.diagnostics(uri, 1);
});
afterAll(async () => {
  expect(await client.close()).toBe(0);
});

const at = (needle: string, offset = 0, nth = 1) => ({ position: client.position(uri, needle, offset, nth) });
const hover = async (needle: string, offset = 0, nth = 1) =>
  ((await client.request<Hover>("textDocument/hover", uri, at(needle, offset, nth))).contents as { value: string })
    .value;
const lineCol = (l: Location) =>
  `${l.range.start.line + 1}:${l.range.start.character + 1}-${l.range.end.character + 1}`;

test("hover on a model shows its provider, capabilities, context and price", async () => {
  expect(await hover("[gpt4o, sonnet]", 1)).toBe(
    [
      "```",
      "model gpt4o",
      'provider  openai  (upstream "gpt-4o")',
      "can       [chat, stream, tools, vision, json]",
      "context   128k tokens, max output 16k",
      "price     $2.50 in, $10.00 out per 1M tokens",
      "quota     spend $200.00/day",
      "```",
    ].join("\n"),
  );
});

test("hover on a provider reference shows its kind, url, key variable, quotas and models", async () => {
  expect(await hover("provider groq", 9, 2)).toBe(
    [
      "```",
      "provider groq",
      "kind      openai",
      "base_url  https://api.groq.com/openai/v1",
      'key       env("GROQ_API_KEY")',
      "quota     requests 30/min",
      "quota     tokens 6k/min",
      "models    llama-70b",
      "```",
    ].join("\n"),
  );
});

test("hover on a rule shows its settings after inheritance and where each came from", async () => {
  const text = await hover("otherwise -> lowest_latency");
  expect(text).toStartWith("**otherwise rule of route fast**: settings after inheritance");
  expect(text).toContain("timeout  connect 5s  first_token 3s  idle 10s  total 20s");
  expect(text).toContain("retry    attempts 1  max_per_request 5");
  expect(text).toContain("timeout.first_token (rule)");
});

test("hover on a setting shows the schema's documented meaning and built-in default", async () => {
  expect(await hover("failures 3", 2)).toBe(
    "**breaker.failures** (route): consecutive failures that open it\n\ndefault: `5`",
  );
  expect(await hover("context 128k", 1)).toBe("**context** (model): context window in tokens\n\ndefault: `128k`");
});

test("definition of a model reference is its declaration", async () => {
  const def = await client.request<Location>("textDocument/definition", uri, at("[gpt4o-mini, haiku, gpt4o]", 1));
  expect(def.range.start).toEqual(client.position(uri, "gpt4o-mini {"));
  const route = await client.request<Location>("textDocument/definition", uri, at("route cheap\n", 6));
  expect(route.range.start).toEqual(client.position(uri, "cheap {"));
});

test("references of a provider and of a route, with and without the declaration", async () => {
  const refs = await client.request<Location[]>("textDocument/references", uri, {
    ...at("provider anthropic", 9),
    context: { includeDeclaration: true },
  });
  expect(refs.map(lineCol)).toEqual(["48:10-19", "95:12-21", "105:12-21"]);
  const routeRefs = await client.request<Location[]>("textDocument/references", uri, {
    ...at("route cheap {", 6),
    context: { includeDeclaration: false },
  });
  expect(routeRefs.map(lineCol)).toEqual(["136:43-48", "137:82-87"]);
});

test("rename updates the declaration and every reference, and keeps quoted names quoted", async () => {
  const edit = await client.request<WorkspaceEdit>("textDocument/rename", uri, {
    ...at("haiku {"),
    newName: "claude-haiku",
  });
  const edits = edit.changes![uri];
  expect(edits.length).toBe(6);
  expect(new Set(edits.map((e) => e.newText))).toEqual(new Set(["claude-haiku"]));
  expect(edits[0].range.start).toEqual(client.position(uri, "haiku {"));
  const quoted = await client.request<WorkspaceEdit>("textDocument/rename", uri, {
    ...at('"gpt-4o" {', 1),
    newName: "openai/gpt-4o",
  });
  expect(quoted.changes![uri]).toEqual([
    {
      range: { start: client.position(uri, '"gpt-4o" {'), end: client.position(uri, '"gpt-4o" {', 8) },
      newText: '"openai/gpt-4o"',
    },
  ]);
  const bad = client.request("textDocument/rename", uri, { ...at("haiku {"), newName: "no spaces" });
  await expect(bad).rejects.toThrow("`no spaces` is not a valid model name");
});

test("document symbols outline the declarations and the rules of each route", async () => {
  const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", uri);
  expect(symbols.map((s) => s.name)).toEqual([
    "gateway",
    "defaults",
    "openai",
    "anthropic",
    "groq",
    "ollama",
    "gpt4o",
    "gpt4o-mini",
    "embed-small",
    "sonnet",
    "haiku",
    "llama-70b",
    "local-llama",
    "chat",
    "cheap",
    "fast",
    "balanced",
    "gpt-4o",
    "embed",
  ]);
  const cheap = symbols.find((s) => s.name === "cheap")!;
  expect(cheap.children!.map((c) => `${c.name} ${c.detail}`)).toEqual([
    "when tools -> lowest_cost [gpt4o-mini, llama-70b, haiku]",
    "otherwise -> lowest_cost [local-llama, llama-70b, gpt4o-mini]",
  ]);
});

test("workspace symbols search the declarations of every open policy", async () => {
  const other = await client.open("policies/default.route");
  const found = await client.connection.sendRequest<{ name: string; containerName: string; location: Location }[]>(
    "workspace/symbol",
    { query: "smart" },
  );
  expect(
    found.map((s) => `${s.containerName} ${s.name} ${s.location.uri === other ? "default" : s.location.uri}`),
  ).toEqual(["model smart default"]);
  const routes = await client.connection.sendRequest<{ name: string; location: Location }[]>("workspace/symbol", {
    query: "embed",
  });
  expect(routes.map((s) => `${s.name} ${s.location.uri.split("/").at(-1)}`).sort()).toEqual([
    "embed default.route",
    "embed multi-provider.route",
    "embed-small multi-provider.route",
    "embedder default.route",
  ]);
});

test("`switchyard lsp` without `--stdio` (as `npm run lsp` starts it) speaks over stdio too", async () => {
  const bare = new LspClient(["lsp"]);
  const init = (await bare.initialize()) as { capabilities: { hoverProvider?: boolean } };
  expect(init.capabilities.hoverProvider).toBe(true);
  const doc = await bare.open("policies/default.route");
  expect(await bare.diagnostics(doc, 1)).toEqual([]);
  expect(await bare.close()).toBe(0);
  expect(bare.errors).toBe("");
});

test("`switchyard lsp` rejects options it does not know, with the usage", () => {
  const run = cli(["lsp", "--sdtio"]);
  expect(run.code).toBe(2);
  expect(run.stderr).toStartWith("error: unknown option `--sdtio`; did you mean `--stdio`?");
  expect(run.stderr).toContain("lsp [--stdio]");
});

/** Completion labels at the `|` in `text`, opened as a new document. */
let scratchCount = 0;
async function complete(text: string): Promise<string[]> {
  const doc = await client.open(`scratch/complete-${++scratchCount}.route`, text.replace("|", ""));
  const before = text.slice(0, text.indexOf("|")).split("\n");
  const position: Position = { line: before.length - 1, character: before.at(-1)!.length };
  const items = await client.request<CompletionItem[]>("textDocument/completion", doc, { position });
  return items.map((i) => i.label);
}

const HEAD =
  "provider p { kind simulated }\nprovider q { kind simulated }\nmodel m { provider p  can [chat] }\nmodel n { provider q  can [chat] }\nroute other { otherwise -> [m] }\n";

test("completion offers keywords, declared names, capabilities and units where each fits", async () => {
  expect(await complete(HEAD + "|")).toEqual(["provider", "model", "route", "defaults", "gateway", "key", "team"]);
  expect(await complete(HEAD + "model x {\n  provider |\n}\n")).toEqual(["p", "q"]);
  expect(await complete(HEAD + "model x {\n  provider p\n  can [chat, |]\n}\n")).toEqual([
    "chat",
    "stream",
    "tools",
    "vision",
    "json",
    "embeddings",
    "prefill",
    "reasoning",
  ]);
  expect(await complete(HEAD + "route r {\n  otherwise -> [m, |]\n}\n")).toEqual(["m", "n"]);
  expect(await complete(HEAD + "route r {\n  otherwise -> route |\n}\n")).toEqual(["other"]);
  expect(await complete(HEAD + "route r {\n  |\n}\n")).toEqual([
    "timeout",
    "retry",
    "breaker",
    "stream",
    "failover",
    "bounds",
    "cache",
    "when",
    "otherwise",
  ]);
  expect(await complete(HEAD + "defaults {\n  retry { backoff { |} }\n}\n")).toEqual(["base", "max", "jitter"]);
  expect(await complete(HEAD + "defaults {\n  timeout { connect 5|}\n}\n")).toEqual(["5ms", "5s", "5m", "5h", "5d"]);
  expect(await complete(HEAD + "model x {\n  provider p\n  context 32|\n}\n")).toEqual(["32k", "32M", "32G"]);
  expect(await complete(HEAD + "defaults {\n  stream { on_break |}\n}\n")).toEqual(["continue", "restart", "fail"]);
  expect(await complete(HEAD + "route r {\n  when |\n}\n")).toContain("vision");
});

test("formatting returns fmt's canonical text as one edit, and nothing for a formatted file", async () => {
  expect(
    await client.request<TextEdit[]>("textDocument/formatting", uri, { options: { tabSize: 2, insertSpaces: true } }),
  ).toEqual([]);
  const messy = "provider p {kind simulated}\nmodel m {provider p\n can [chat,stream]}\nroute r {otherwise->[m]}\n";
  const doc = await client.open("scratch/messy.route", messy);
  const edits = await client.request<TextEdit[]>("textDocument/formatting", doc, {
    options: { tabSize: 2, insertSpaces: true },
  });
  expect(edits).toEqual([
    {
      range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
      newText:
        "provider p {\n  kind simulated\n}\n\nmodel m {\n  provider p\n  can [chat, stream]\n}\n\nroute r {\n  otherwise -> [m]\n}\n",
    },
  ]);
});
