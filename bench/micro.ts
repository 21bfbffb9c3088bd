// `bun bench/micro.ts [names…]` (or `bun bench/run.ts --micro`): mitata microbenchmarks of the hot path,
// each next to a baseline measured in the same run so the ratio means something on any machine:
//   routing decision   needs + 100 rule conditions + candidate skip checks + ordering (the engine's
//                      own decideChat, no I/O)            vs JSON.parse of the request body
//   per SSE event      provider SSE parse + engine chunk handling + server SSE encoding, through the
//                      real gateway (200 extra events minus none, per event) vs JSON.parse of one event
//   per tool call      10 tool calls of 20 deltas each through the real gateway, per delta and per
//                      call (tool-call deltas are held until the call is complete: the cost of that)
//   gateway request    the whole app in-process (auth, body, schema, engine, adapter, metrics, log)
//                                                          vs a thin handler doing the same I/O
//   declared keys      the same gateway request with 100 declared keys, each with request, token and
//                      spend limits, called with one of them vs the same policy without keys
//   messages           /v1/messages (translation both ways) vs /v1/chat/completions on the same gateway
//   responses          /v1/responses (translation both ways) vs /v1/chat/completions on the same gateway
//   cache              a hit vs the cache off, and cache on with 0% hits (a new prompt each time;
//                      a store that keeps nothing, and one full at 1k and at 10k entries, so every
//                      miss evicts) vs the cache off: one process per variant, in turns, medians
//                      of CPU time per request (bench/lib/cache-probe.ts)
//   compile            1,000 routes / 5,000 models (bench/compile-bench.ts's generator) vs a JSON
//                      round trip of the graph
//   lsp edit           `switchyard lsp`'s work after an edit to the same 1,000-route policy: apply
//                      the change, parse (incrementally: only the touched declaration) + check
//                      (local passes replayed for unchanged declarations) + compile, convert the
//                      diagnostics (debounce not included) vs lint's compilePolicySource alone
//   simulate           bench/simulate-bench.ts, run as is
import { measure } from "mitata";
import { TextDocument } from "vscode-languageserver-textdocument";
import { compilePolicySource } from "../src/compile/index.ts";
import { createGateway } from "../src/server/app.ts";
import { analyze } from "../src/lsp/analysis.ts";
import { toLspDiagnostic } from "../src/lsp/diagnostics.ts";
import { defaultAdapters } from "../src/providers/index.ts";
import { buildCore } from "../src/runtime/flow/context.ts";
import { decideChat } from "../src/runtime/plan/decide.ts";
import { generatePolicy } from "./compile-bench.ts";
import {
  benchPolicy,
  CONTENT_EVENT,
  hundredRulePolicy,
  messagesBody,
  requestBody,
  responsesBody,
  toolCallEvents,
} from "./lib/fixtures.ts";
import {
  benchPorts,
  chatRequest,
  compileOrThrow,
  inProcessGateway,
  instantTransport,
  streamOf,
  thinHandler,
} from "./lib/in-process.ts";

const QUICK = { min_cpu_time: 400e6, min_samples: 30 } as const; // ns of samples per measurement
const SLOW = { min_cpu_time: 1500e6, min_samples: 5 } as const;
const EXTRA_EVENTS = 200;
const TOOL_CALLS = 10;
const TOOL_CALL_DELTAS = 20;

interface Row {
  name: string;
  ns: number;
  baseline: string;
  baselineNs: number;
  target?: string;
}
const rows: Row[] = [];
/** The median sample: on a shared machine one busy moment moves the mean far more than the median. */
const avg = async (fn: () => unknown, opts: object = QUICK): Promise<number> => (await measure(fn, opts)).p50;

async function decision(): Promise<void> {
  const core = buildCore(
    { graph: compileOrThrow(hundredRulePolicy()), ports: benchPorts(instantTransport()), adapters: defaultAdapters() },
    {},
  );
  const text = JSON.stringify({
    model: "chat",
    messages: [{ role: "user", content: "Summarise the attached meeting notes in three bullet points, please." }],
    metadata: { team: "infra" },
  });
  const body = JSON.parse(text) as Record<string, unknown>;
  const headers = new Headers({ "x-tier": "pro", "x-region": "eu" });
  const signal = new AbortController().signal;
  const check = decideChat(core, { id: "r", route: "chat", body, headers, signal, receivedAt: 0 });
  if (!check.prepared.ok || check.prepared.viable.length !== 5)
    throw new Error("decision bench: expected `otherwise` with five viable candidates");
  const ns = await avg(() => decideChat(core, { id: "r", route: "chat", body, headers, signal, receivedAt: 0 }));
  rows.push({
    name: "routing decision, 100-rule route",
    ns,
    baseline: "JSON.parse(request body)",
    baselineNs: await avg(() => JSON.parse(text)),
    target: "< 5 µs",
  });
}

async function drain(res: Response): Promise<number> {
  const bytes = await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`gateway answered ${res.status}: ${new TextDecoder().decode(bytes)}`);
  return bytes.byteLength;
}

async function perEvent(): Promise<void> {
  const graph = compileOrThrow(benchPolicy("http://upstream.local/v1"));
  const body = requestBody("chat", true);
  const short = inProcessGateway(graph, instantTransport(streamOf(0))).gateway;
  const long = inProcessGateway(graph, instantTransport(streamOf(EXTRA_EVENTS))).gateway;
  const [a, b] = [await drain(await short.fetch(chatRequest(body))), await drain(await long.fetch(chatRequest(body)))];
  if (b <= a) throw new Error("per-event bench: the long stream did not reach the client");
  const tShort = await avg(async () => drain(await short.fetch(chatRequest(body))));
  const tLong = await avg(async () => drain(await long.fetch(chatRequest(body))));
  const data = CONTENT_EVENT.slice("data: ".length).trim();
  rows.push({
    name: "per SSE event (parse + engine + encode)",
    ns: (tLong - tShort) / EXTRA_EVENTS,
    baseline: "JSON.parse(one event's data)",
    baselineNs: await avg(() => JSON.parse(data)),
  });
}

/** Tool calls streamed in many small deltas, against the same stream without them. */
async function perToolCall(): Promise<void> {
  const graph = compileOrThrow(benchPolicy("http://upstream.local/v1"));
  const body = requestBody("chat", true);
  const calls = TOOL_CALLS;
  const short = inProcessGateway(graph, instantTransport(streamOf(0))).gateway;
  const long = inProcessGateway(graph, instantTransport(streamOf(0, toolCallEvents(calls, TOOL_CALL_DELTAS)))).gateway;
  const [a, b] = [await drain(await short.fetch(chatRequest(body))), await drain(await long.fetch(chatRequest(body)))];
  if (b <= a) throw new Error("per-tool-call bench: the tool calls did not reach the client");
  const tShort = await avg(async () => drain(await short.fetch(chatRequest(body))));
  const tLong = await avg(async () => drain(await long.fetch(chatRequest(body))));
  const data = CONTENT_EVENT.slice("data: ".length).trim();
  const perEvent = (tLong - tShort) / (calls * TOOL_CALL_DELTAS);
  const baselineNs = await avg(() => JSON.parse(data));
  rows.push({
    name: `per tool-call delta (${TOOL_CALL_DELTAS} per call)`,
    ns: perEvent,
    baseline: "JSON.parse(one event's data)",
    baselineNs,
  });
  rows.push({
    name: "per tool call",
    ns: (tLong - tShort) / calls,
    baseline: `${TOOL_CALL_DELTAS} × JSON.parse(one event)`,
    baselineNs: baselineNs * TOOL_CALL_DELTAS,
  });
}

async function gatewayRequest(): Promise<void> {
  const graph = compileOrThrow(benchPolicy("http://upstream.local/v1"));
  const transport = instantTransport();
  const { gateway, logLines } = inProcessGateway(graph, transport);
  const thin = thinHandler(transport);
  for (const stream of [false, true]) {
    const sy = requestBody("chat", stream);
    const direct = requestBody("bench-model", stream);
    const ns = await avg(async () => drain(await gateway.fetch(chatRequest(sy))));
    const baselineNs = await avg(async () => drain(await thin(chatRequest(direct))));
    rows.push({
      name: `gateway request in-process, ${stream ? "stream" : "non-stream"}`,
      ns,
      baseline: "thin handler, same transport",
      baselineNs,
    });
  }
  if (logLines() === 0) throw new Error("gateway bench: no log lines were written");
}

/** 100 declared keys with limits and budgets: identifying the caller, admitting it and booking its usage. */
async function declaredKeys(): Promise<void> {
  const plain = benchPolicy("http://upstream.local/v1");
  const keys = Array.from(
    { length: 100 },
    (_, i) =>
      `key client-${i} { secret env("BENCH_KEY_${i}")  limit { requests 1000000000/min  tokens 1000G/day }  budget { spend $1000000000/month } }`,
  );
  const secrets = {
    get: (name: string) =>
      name.startsWith("BENCH_KEY_") ? `bench-secret-${name.slice(10)}-0123456789abcdef` : undefined,
  };
  const transport = instantTransport();
  const gatewayOf = (source: string) =>
    createGateway({
      graph: compileOrThrow(source),
      ports: { ...benchPorts(transport), secrets },
      adapters: defaultAdapters(),
      log: () => {},
    });
  const [none, hundred] = [gatewayOf(plain), gatewayOf(`${plain}\n${keys.join("\n")}\n`)];
  const body = requestBody("chat", false);
  const req = (token: string) =>
    new Request("http://gateway.local/v1/chat/completions", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    });
  const key57 = secrets.get("BENCH_KEY_57")!;
  await drain(await hundred.fetch(req(key57)));
  if (hundred.engine().state().access?.["key:client-57"]?.requests !== 1)
    throw new Error("keys bench: the request was not booked to its key");
  // Alternated, best of two each: whichever runs first pays for warming up.
  const run = async (g: typeof none, token: string) => avg(async () => drain(await g.fetch(req(token))));
  const [b1, k1, b2, k2] = [
    await run(none, "bench"),
    await run(hundred, key57),
    await run(none, "bench"),
    await run(hundred, key57),
  ];
  rows.push({
    name: "gateway request, 100 declared keys with limits",
    ns: Math.min(k1, k2),
    baseline: "same policy, no keys",
    baselineNs: Math.min(b1, b2),
    target: "≤ 1.05×",
  });
}

/** A dialect front door's own cost: same engine, same upstream reply, translated both ways. */
async function dialectRequest(
  path: "/v1/messages" | "/v1/responses",
  body: (model: string, stream: boolean) => string,
): Promise<void> {
  const graph = compileOrThrow(benchPolicy("http://upstream.local/v1"));
  const { gateway } = inProcessGateway(graph, instantTransport(streamOf(EXTRA_EVENTS)));
  for (const stream of [false, true]) {
    const dialect = body("chat", stream);
    const chat = requestBody("chat", stream);
    // Alternated and the best of two each: whichever runs first pays for warming the shared engine.
    const chatRun = async () => avg(async () => drain(await gateway.fetch(chatRequest(chat))));
    const dialectRun = async () => avg(async () => drain(await gateway.fetch(chatRequest(dialect, path))));
    const [b1, m1, b2, m2] = [await chatRun(), await dialectRun(), await chatRun(), await dialectRun()];
    const [baselineNs, ns] = [Math.min(b1, b2), Math.min(m1, m2)];
    const what = stream ? `stream of ${EXTRA_EVENTS} events` : "non-stream";
    rows.push({
      name: `${path} in-process, ${what}`,
      ns,
      baseline: "/v1/chat/completions, same gateway",
      baselineNs,
      target: "≤ 1.1×",
    });
  }
}

/**
 * The response cache: what a hit saves, and what a miss that is stored costs. One process per
 * variant (bench/lib/cache-probe.ts says why), in turns whose order rotates, medians of the CPU
 * time per request. The 5% target is on RPS over HTTP (bench/cache-http.ts): in-process, a request
 * costs a fifth of what it does behind a socket, so the same µs weigh five times as much here.
 */
async function cacheRequest(): Promise<void> {
  const variants = ["off", "nothing", "1k", "10k", "hit"];
  const samples = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < 5; round++) {
    for (const v of variants.map((_, i) => variants[(i + round) % variants.length])) {
      const probe = Bun.spawnSync(["bun", `${import.meta.dir}/lib/cache-probe.ts`, v, "30000"], { stderr: "inherit" });
      if (probe.exitCode !== 0) throw new Error(`cache bench: the \`${v}\` probe exited ${probe.exitCode}`);
      samples.get(v)!.push(JSON.parse(probe.stdout.toString()).cpuUs * 1000);
    }
  }
  const ns = (v: string) => [...samples.get(v)!].sort((a, b) => a - b)[2];
  const off = ns("off");
  const row = (name: string, v: string, target?: string) =>
    rows.push({ name, ns: ns(v), baseline: "cache off, same requests", baselineNs: off, target });
  row("cache hit in-process, non-stream", "hit", "< 1×");
  row("cache on, 0% hits, store keeps nothing", "nothing");
  row("cache on, 0% hits, 1k entries", "1k");
  row("cache on, 0% hits, 10k entries", "10k");
}

async function compile(): Promise<void> {
  const source = generatePolicy();
  const first = compilePolicySource(source, "bench.route");
  if (!first.graph) throw new Error("compile bench: the generated policy does not compile");
  const graph = first.graph;
  const ns = await avg(() => compilePolicySource(source, "bench.route"), SLOW);
  rows.push({
    name: "compile 1,000 routes / 5,000 models",
    ns,
    baseline: "JSON round trip of the graph",
    baselineNs: await avg(() => JSON.parse(JSON.stringify(graph)), SLOW),
    target: "< 250 ms",
  });
}

async function lspEdit(): Promise<void> {
  const source = generatePolicy();
  const needle = source.indexOf("[", source.indexOf("otherwise")) + 1; // the first model of a target
  const doc = TextDocument.create("file:///bench.route", "route", 1, source);
  let analysis = analyze(source, "bench.route");
  let broken = false;
  const edit = () => {
    // Alternate between breaking a model reference and repairing it, so half the runs publish a diagnostic.
    broken = !broken;
    const range = { start: doc.positionAt(needle), end: doc.positionAt(needle) };
    TextDocument.update(
      doc,
      [{ range: broken ? range : { ...range, end: doc.positionAt(needle + 1) }, text: broken ? "x" : "" }],
      doc.version + 1,
    );
    analysis = analyze(doc.getText(), "bench.route", analysis);
    return analysis.result.diagnostics.map((d) => toLspDiagnostic(d, doc, "bench.route"));
  };
  if (edit().length !== 1 || edit().length !== 0)
    throw new Error("lsp bench: expected one diagnostic after the breaking edit and none after the repair");
  const ns = await avg(edit, SLOW);
  rows.push({
    name: "lsp: diagnostics after an edit, 1,000 routes",
    ns,
    baseline: "compilePolicySource (lint)",
    baselineNs: await avg(() => compilePolicySource(source, "bench.route"), SLOW),
    target: "< 300 ms",
  });
}

function human(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function printRows(): void {
  const header = ["benchmark", "time", "baseline", "baseline time", "ratio", "target"];
  const lines = rows.map((r) => [
    r.name,
    human(r.ns),
    r.baseline,
    human(r.baselineNs),
    `${(r.ns / r.baselineNs).toFixed(2)}×`,
    r.target ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols: string[]) => "| " + cols.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  console.log(fmt(header));
  console.log("| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |");
  for (const l of lines) console.log(fmt(l));
}

// `bun bench/micro.ts event gateway` runs only the benchmarks whose names contain a given word.
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const wanted = (name: string): boolean => only.length === 0 || only.some((w) => name.includes(w));
if (wanted("decision")) await decision();
if (wanted("event")) await perEvent();
if (wanted("tool")) await perToolCall();
if (wanted("gateway")) await gatewayRequest();
if (wanted("keys")) await declaredKeys();
if (wanted("messages")) await dialectRequest("/v1/messages", messagesBody);
if (wanted("responses")) await dialectRequest("/v1/responses", responsesBody);
if (wanted("cache")) await cacheRequest();
if (wanted("compile")) await compile();
if (wanted("lsp")) await lspEdit();
printRows();
console.log("");
if (!wanted("simulate")) process.exit(0);
const sim = Bun.spawnSync(["bun", `${import.meta.dir}/simulate-bench.ts`, "--minutes", "10"], {
  stdout: "pipe",
  stderr: "pipe",
});
console.log(sim.stdout.toString().trimEnd() || `simulate bench failed: ${sim.stderr.toString().trim()}`);
