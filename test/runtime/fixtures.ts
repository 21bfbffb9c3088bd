// Test fixtures for the engine: hand-built Graphs with sensible default Settings, a scriptable
// in-memory provider adapter that sleeps only on the ManualClock, and a harness that wires them.
import type {
  CandidateNode,
  CondNode,
  Graph,
  LimitNode,
  ModelNode,
  ProviderNode,
  RuleNode,
  Settings,
  TargetNode,
} from "../../src/compile/graph.ts";
import { GRAPH_VERSION } from "../../src/compile/graph.ts";
import type { ChatOutcome, ChatRequest, Observer, RuntimeState, StreamEvent } from "../../src/runtime/api.ts";
import { createEngine } from "../../src/runtime/engine.ts";
import { ManualClock } from "../../src/ports/manual-clock.ts";
import type { Clock, Ports, QuotaLeases, Random } from "../../src/runtime/ports.ts";
import { SeededRandom } from "../../src/ports/seeded-random.ts";
import {
  UpstreamError,
  type ChatChunk,
  type ProviderAdapter,
  type UpstreamCall,
  type Usage,
} from "../../src/runtime/upstream.ts";
import { capsToMask, type Capability } from "../../src/syntax/vocabulary.ts";

// ---- graph builders ------------------------------------------------------------------------

export function defaultSettings(): Settings {
  return {
    timeout: { connectMs: 1_000, firstTokenMs: 5_000, idleMs: 2_000, totalMs: 60_000 },
    retry: {
      attempts: 1,
      maxPerRequest: 10,
      backoffBaseMs: 100,
      backoffMaxMs: 2_000,
      jitter: 0,
      onStatuses: [429, 500, 502, 503, 504],
      onClasses: ["connect", "reset"],
      retryAfterCapMs: 5_000,
    },
    breaker: {
      failures: 3,
      errorRate: null,
      windowMs: 60_000,
      minRequests: 10,
      cooldownMs: 30_000,
      probes: 1,
      successes: 1,
    },
    stream: { onBreak: "continue", toolCalls: "hold" },
    failoverOnContentPolicy: false,
  };
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

export function settings(over: DeepPartial<Settings> = {}): Settings {
  const s = defaultSettings();
  return {
    timeout: { ...s.timeout, ...over.timeout },
    retry: { ...s.retry, ...over.retry } as Settings["retry"],
    breaker: { ...s.breaker, ...over.breaker },
    stream: { ...s.stream, ...over.stream },
    failoverOnContentPolicy: over.failoverOnContentPolicy ?? s.failoverOnContentPolicy,
  };
}

export interface ModelSpec {
  provider?: string;
  caps?: Capability[];
  contextWindow?: number;
  priceIn?: number;
  priceOut?: number;
  limits?: LimitNode[];
}

export function model(name: string, spec: ModelSpec = {}): ModelNode {
  const capNames = spec.caps ?? ["chat", "stream"];
  return {
    name,
    upstream: `${name}-upstream`,
    provider: spec.provider ?? "p",
    caps: capsToMask(capNames),
    capNames,
    contextWindow: spec.contextWindow ?? 100_000,
    maxOutput: 4_096,
    priceIn: spec.priceIn ?? 1,
    priceOut: spec.priceOut ?? 2,
    limits: spec.limits ?? [],
  };
}

export function provider(name: string, spec: Partial<ProviderNode> = {}): ProviderNode {
  return {
    name,
    kind: "openai",
    baseUrl: "http://upstream.invalid",
    keyEnv: null,
    headers: {},
    sim: null,
    limits: [],
    ...spec,
  };
}

export function candidates(g: { models: ModelNode[] }, names: (string | [string, number])[]): CandidateNode[] {
  return names.map((n) => {
    const [name, weight] = typeof n === "string" ? [n, 1] : n;
    const m = g.models.find((x) => x.name === name);
    if (!m) throw new Error(`fixture: unknown model ${name}`);
    return { model: name, provider: m.provider, caps: m.caps, contextWindow: m.contextWindow, weight };
  });
}

export interface RuleSpec {
  cond?: CondNode | null;
  target: TargetNode;
  settings?: Settings;
}

export function rule(spec: RuleSpec): RuleNode {
  return {
    cond: spec.cond ?? null,
    needs: 0,
    target: spec.target,
    settings: spec.settings ?? defaultSettings(),
    line: 1,
  };
}

export interface GraphSpec {
  providers?: ProviderNode[];
  models: ModelNode[];
  routes: { name: string; rules: RuleNode[] }[];
}

export function graph(spec: GraphSpec): Graph {
  return {
    version: GRAPH_VERSION,
    sources: ["test.route"],
    gateway: {
      clientKeyEnvs: [],
      adminTokenEnv: null,
      metricsTokenEnv: null,
      maxBodyBytes: 10_000_000,
      directModels: false,
    },
    providers: spec.providers ?? [provider("p")],
    models: spec.models,
    routes: spec.routes,
  };
}

/** The common shape: one route `r` over a chain of the given models. */
export function chainGraph(models: ModelNode[], s: Settings = defaultSettings(), providers?: ProviderNode[]): Graph {
  const base = { models };
  return graph({
    providers,
    models,
    routes: [
      {
        name: "r",
        rules: [
          rule({
            target: {
              kind: "chain",
              candidates: candidates(
                base,
                models.map((m) => m.name),
              ),
            },
            settings: s,
          }),
        ],
      },
    ],
  });
}

// ---- scriptable upstream -------------------------------------------------------------------

export type StreamStep =
  | { wait: number }
  | { role: string }
  | { text: string }
  | { finish: string }
  | { usage: Usage }
  | { raw: unknown }
  | { fail: UpstreamError }
  | { hang: true };

export type Behaviour =
  | { kind: "completion"; text: string; usage?: Usage; wait?: number }
  | { kind: "stream"; steps: StreamStep[]; connectWait?: number; status?: number }
  | { kind: "fail"; error: UpstreamError; wait?: number }
  | { kind: "hang" };

export interface RecordedCall {
  model: string;
  body: Record<string, unknown>;
  stream: boolean;
  apiKey: string | undefined;
  signal: AbortSignal;
  at: number;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** A ProviderAdapter whose replies are scripted per model: a list (consumed in order, last repeats) or a function. */
export class FakeUpstream implements ProviderAdapter {
  readonly calls: RecordedCall[] = [];
  readonly scripts = new Map<string, Behaviour[] | ((n: number, call: UpstreamCall) => Behaviour)>();
  readonly counts = new Map<string, number>();

  constructor(private readonly clock: ManualClock) {}

  script(model: string, b: Behaviour[] | ((n: number, call: UpstreamCall) => Behaviour)): this {
    this.scripts.set(model, b);
    return this;
  }

  callsTo(model: string): RecordedCall[] {
    return this.calls.filter((c) => c.model === model);
  }

  #next(call: UpstreamCall): Behaviour {
    const name = call.model.name;
    const n = this.counts.get(name) ?? 0;
    this.counts.set(name, n + 1);
    const s = this.scripts.get(name);
    if (!s) return { kind: "completion", text: `hello from ${name}` };
    if (typeof s === "function") return s(n, call);
    return s[Math.min(n, s.length - 1)]!;
  }

  async chat(call: UpstreamCall) {
    this.calls.push({
      model: call.model.name,
      body: call.body,
      stream: call.stream,
      apiKey: call.apiKey,
      signal: call.signal,
      at: this.clock.now(),
    });
    const b = this.#next(call);
    const signal = call.signal;
    switch (b.kind) {
      case "hang":
        return aborted(signal);
      case "fail":
        if (b.wait) await this.clock.sleep(b.wait, signal);
        throw b.error;
      case "completion":
        if (b.wait) await this.clock.sleep(b.wait, signal);
        if (call.stream)
          return {
            kind: "stream" as const,
            status: 200,
            chunks: this.#stream(call, textSteps(b.text, b.usage), signal),
          };
        return {
          kind: "completion" as const,
          status: 200,
          body: {
            id: `cmpl-${call.model.name}`,
            object: "chat.completion" as const,
            created: 1,
            model: call.model.upstream,
            choices: [{ index: 0, message: { role: "assistant", content: b.text }, finish_reason: "stop" }],
            ...(b.usage ? { usage: b.usage } : {}),
          },
        };
      case "stream":
        if (b.connectWait) await this.clock.sleep(b.connectWait, signal);
        return { kind: "stream" as const, status: b.status ?? 200, chunks: this.#stream(call, b.steps, signal) };
    }
  }

  async *#stream(call: UpstreamCall, steps: StreamStep[], signal: AbortSignal): AsyncGenerator<ChatChunk> {
    const base = {
      id: `chunk-${call.model.name}`,
      object: "chat.completion.chunk",
      created: 100 + this.calls.length,
      model: call.model.upstream,
    };
    for (const step of steps) {
      if ("wait" in step) await this.clock.sleep(step.wait, signal);
      else if ("hang" in step) await aborted(signal);
      else if ("fail" in step) throw step.fail;
      else if ("raw" in step) yield step.raw as ChatChunk;
      else if ("role" in step)
        yield { ...base, choices: [{ index: 0, delta: { role: step.role }, finish_reason: null }] };
      else if ("text" in step)
        yield { ...base, choices: [{ index: 0, delta: { content: step.text }, finish_reason: null }] };
      else if ("finish" in step) yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: step.finish }] };
      else yield { ...base, choices: [], usage: step.usage };
    }
  }

  async embeddings(call: UpstreamCall) {
    this.calls.push({
      model: call.model.name,
      body: call.body,
      stream: false,
      apiKey: call.apiKey,
      signal: call.signal,
      at: this.clock.now(),
    });
    const b = this.#next(call);
    if (b.kind === "fail") throw b.error;
    if (b.kind === "hang") return aborted(call.signal);
    return {
      status: 200,
      body: {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
    };
  }
}

/** role, then the text split on `|` as separate chunks, finish, optional usage. */
export function textSteps(text: string, usage?: Usage): StreamStep[] {
  const steps: StreamStep[] = [{ role: "assistant" }];
  for (const part of text.split("|")) steps.push({ text: part });
  steps.push({ finish: "stop" });
  if (usage) steps.push({ usage });
  return steps;
}

export const usage = (p: number, c: number): Usage => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c });

export const err = (
  cls: ConstructorParameters<typeof UpstreamError>[0],
  status: number | null = null,
  retryAfterMs: number | null = null,
) => new UpstreamError(cls, `${cls} failure`, status, retryAfterMs);

// ---- harness -------------------------------------------------------------------------------

export interface HarnessOptions {
  secrets?: Record<string, string>;
  state?: RuntimeState;
  seed?: number;
  start?: number;
  random?: Random;
  /** Shared `requests` quotas (issue 12): built on the harness's clock. */
  quotaLeases?: (clock: Clock) => QuotaLeases;
}

export interface BreakerEvent {
  model: string;
  from: string;
  to: string;
  at: number;
}

export class RecordingClock extends ManualClock {
  readonly sleeps: { ms: number; signal: AbortSignal | undefined }[] = [];
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push({ ms, signal });
    return super.sleep(ms, signal);
  }
}

export function harness(g: Graph, opts: HarnessOptions = {}) {
  const clock = new RecordingClock(opts.start ?? 1_000_000);
  const upstream = new FakeUpstream(clock);
  const breakerEvents: BreakerEvent[] = [];
  const done: ChatOutcome["meta"][] = [];
  const observer: Observer = {
    breaker: (model, from, to, at) => breakerEvents.push({ model, from, to, at }),
    requestDone: (meta) => done.push(meta),
  };
  const secrets = opts.secrets ?? {};
  const ports: Ports = {
    clock,
    random: opts.random ?? new SeededRandom(opts.seed ?? 7),
    transport: { fetch: () => Promise.reject(new Error("no network in tests")) },
    secrets: { get: (k) => secrets[k] },
  };
  const engine = createEngine({
    graph: g,
    ports,
    adapters: { openai: upstream, anthropic: upstream, simulated: upstream },
    observer,
    state: opts.state,
    ...(opts.quotaLeases ? { quotaLeases: opts.quotaLeases(clock) } : {}),
  });
  let seq = 0;
  const request = (body: Record<string, unknown>, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    id: `req-${++seq}`,
    route: "r",
    body: { messages: [{ role: "user", content: "hi" }], ...body },
    headers: new Headers(),
    signal: new AbortController().signal,
    receivedAt: clock.now(),
    ...extra,
  });
  /** Starts a chat and runs virtual time until everything settles. */
  const chat = async (body: Record<string, unknown> = {}, extra: Partial<ChatRequest> = {}): Promise<ChatOutcome> => {
    const p = engine.chat(request(body, extra));
    await clock.runUntilIdle();
    return p;
  };
  /** Starts a streaming chat, reads every event while time runs, and returns both. */
  const stream = async (body: Record<string, unknown> = {}, extra: Partial<ChatRequest> = {}) => {
    const p = engine.chat(request({ stream: true, ...body }, extra)).then(async (outcome) => {
      const events: StreamEvent[] = [];
      if (outcome.kind === "stream") for await (const e of outcome.events) events.push(e);
      return { outcome, events };
    });
    await clock.runUntilIdle();
    return p;
  };
  return { clock, upstream, engine, ports, breakerEvents, done, request, chat, stream };
}

export function textOf(events: StreamEvent[]): string {
  let s = "";
  for (const e of events)
    if (e.type === "chunk")
      for (const c of e.chunk.choices) if (typeof c.delta.content === "string") s += c.delta.content;
  return s;
}
