// Hand-built graphs, a fake clock and a scriptable fake engine for the server tests, so the HTTP
// layer can be tested on its own; the integration and fault suites use the real engine.
import type { Graph, ModelNode, RouteNode, Settings } from "../../src/compile/graph.ts";
import type {
  ChatOutcome,
  ChatRequest,
  CreateEngine,
  DecisionTrace,
  EmbeddingsOutcome,
  EmbeddingsRequest,
  Engine,
  EngineOptions,
  OutcomeMeta,
  RuntimeState,
  StreamEvent,
} from "../../src/runtime/api.ts";
import type { Clock, Ports, SecretSource, TimerHandle } from "../../src/runtime/ports.ts";
import type { ChatChunk } from "../../src/runtime/upstream.ts";
import { CAP_BIT } from "../../src/syntax/vocabulary.ts";

export const defaultSettings = (): Settings => ({
  timeout: { connectMs: 200, firstTokenMs: 200, idleMs: 200, totalMs: 1000 },
  retry: {
    attempts: 1,
    maxPerRequest: 4,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
    jitter: 0,
    onStatuses: [429, 500, 502, 503, 504],
    onClasses: ["connect", "reset"],
    retryAfterCapMs: 50,
  },
  breaker: {
    failures: 3,
    errorRate: null,
    windowMs: 10_000,
    minRequests: 10,
    cooldownMs: 100,
    probes: 1,
    successes: 1,
  },
  stream: { onBreak: "continue", toolCalls: "hold" },
  failoverOnContentPolicy: false,
});

const ALL_CAPS = ["chat", "stream", "tools", "json", "prefill"] as const;

export function model(name: string, provider = "p", extra: Partial<ModelNode> = {}): ModelNode {
  return {
    name,
    upstream: `${name}-upstream`,
    provider,
    caps: ALL_CAPS.reduce((m, c) => m | CAP_BIT[c], 0),
    capNames: [...ALL_CAPS],
    contextWindow: 128_000,
    maxOutput: 4096,
    priceIn: 1,
    priceOut: 2,
    limits: [],
    ...extra,
  };
}

export function chainRoute(
  name: string,
  models: string[],
  settings: Partial<Settings> = {},
  provider = "p",
): RouteNode {
  return {
    name,
    rules: [
      {
        cond: null,
        needs: 0,
        line: 1,
        settings: { ...defaultSettings(), ...settings },
        target: {
          kind: "chain",
          candidates: models.map((m) => ({ model: m, provider, caps: 0xff, contextWindow: 128_000, weight: 1 })),
        },
      },
    ],
  };
}

export function graph(extra: Partial<Graph> = {}, gateway: Partial<Graph["gateway"]> = {}): Graph {
  return {
    version: 1,
    sources: ["test.route"],
    gateway: {
      clientKeyEnvs: [],
      adminTokenEnv: null,
      metricsTokenEnv: null,
      maxBodyBytes: 10_000,
      directModels: false,
      ...gateway,
    },
    providers: [
      { name: "p", kind: "openai", baseUrl: "http://127.0.0.1:1", keyEnv: "P_KEY", headers: {}, sim: null, limits: [] },
    ],
    models: [model("a"), model("b")],
    routes: [chainRoute("fast", ["a", "b"])],
    ...extra,
  };
}

/** A clock the test moves by hand; sleeps resolve when advanced past. */
export class FakeClock implements Clock {
  t = 1000;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
  /** Like sleep: time jumps ahead and `fire` runs a microtask later unless cancelled by then. */
  schedule(ms: number, fire: () => void): TimerHandle {
    let live = true;
    void this.sleep(ms).then(() => {
      if (live) fire();
    });
    return { cancel: () => (live = false) };
  }
}

/**
 * For running simulated providers over real HTTP at no wall-time cost: sleeps (the simulated
 * latencies) move virtual time and return at once, and scheduled timers (the engine's timeouts)
 * never fire. Only for tests in which nothing is meant to time out.
 */
export class InstantClock implements Clock {
  t = 1000;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
  schedule(): TimerHandle {
    return { cancel() {} };
  }
}

export function secrets(values: Record<string, string>): SecretSource {
  return { get: (name) => values[name] };
}

export function ports(
  clock: Clock = new FakeClock(),
  env: Record<string, string> = { P_KEY: "sk-secret-provider-key" },
): Ports {
  return {
    clock,
    random: { next: () => 0.5 },
    transport: { fetch: () => Promise.reject(new Error("no network in unit tests")) },
    secrets: secrets(env),
  };
}

export function meta(route: string, extra: Partial<OutcomeMeta> = {}): OutcomeMeta {
  return {
    id: "x",
    route,
    servedModel: null,
    attempts: [],
    skipped: [],
    failovers: 0,
    continuations: 0,
    usage: null,
    costUsd: 0,
    startedAt: 0,
    endedAt: null,
    status: 200,
    errorClass: null,
    ...extra,
  };
}

export function chunk(content: string, extra: Partial<ChatChunk> = {}): ChatChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "a",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
    ...extra,
  };
}

export function completion(text: string, modelName = "a"): Extract<ChatOutcome, { kind: "completion" }>["body"] {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: modelName,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

export async function* events(list: StreamEvent[]): AsyncGenerator<StreamEvent> {
  for (const e of list) yield e;
}

export type ChatScript = (req: ChatRequest, engine: FakeEngine) => Promise<ChatOutcome> | ChatOutcome;

export class FakeEngine implements Engine {
  readonly requests: ChatRequest[] = [];
  constructor(
    readonly opts: EngineOptions,
    private readonly script: ChatScript,
    private readonly stateValue: RuntimeState,
  ) {}
  get graph() {
    return this.opts.graph;
  }
  async chat(req: ChatRequest): Promise<ChatOutcome> {
    this.requests.push(req);
    return this.script(req, this);
  }
  async embeddings(req: EmbeddingsRequest): Promise<EmbeddingsOutcome> {
    return {
      kind: "ok",
      body: { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }], model: "a" },
      meta: meta(req.route, { servedModel: "a" }),
    };
  }
  state(): RuntimeState {
    return this.stateValue;
  }
  checkpoints() {
    return [];
  }
  explain(req: ChatRequest): DecisionTrace {
    return {
      route: req.route,
      key: null,
      needs: { caps: [], promptTokens: 0, maxTokens: 0, stream: false },
      rules: [],
      splits: [],
      strategy: null,
      candidates: [],
      chosen: null,
      settings: null,
      refused: null,
    };
  }
}

export function emptyState(): RuntimeState {
  return { breakers: {}, windows: {}, quotas: {}, cursors: {}, sticky: {}, counters: {} };
}

/** A CreateEngine that records every engine it builds and the state each was given. */
export function fakeEngines(script: ChatScript): { create: CreateEngine; built: FakeEngine[] } {
  const built: FakeEngine[] = [];
  const create: CreateEngine = (opts) => {
    const engine = new FakeEngine(opts, script, opts.state ?? emptyState());
    built.push(engine);
    return engine;
  };
  return { create, built };
}

export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://gw.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "fast",
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});
