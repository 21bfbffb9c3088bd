// The fault suite's rig: a hand-built graph whose models sit on mock upstreams, the real engine,
// the real OpenAI-compatible adapter and network transport, and the gateway on a real socket.
import { afterEach } from "bun:test";
import type { Graph, ModelNode, ProviderNode, Settings } from "../../src/compile/graph.ts";
import type { Clock } from "../../src/runtime/ports.ts";
import { createNetworkTransport, defaultAdapters } from "../../src/providers/index.ts";
import { systemRandom } from "../../src/ports/seeded-random.ts";
import { SystemClock } from "../../src/ports/system-clock.ts";
import { createGateway, type Gateway } from "../../src/server/app.ts";
import { chainRoute, defaultSettings, model } from "./fixtures.ts";
import type { MockUpstream } from "./mock-upstream.ts";

export const UPSTREAM_KEY = "sk-upstream-secret-4242";

/** Small timeouts keep the suite fast; every test overrides what it exercises. */
export function faultSettings(
  over: {
    timeout?: Partial<Settings["timeout"]>;
    retry?: Partial<Settings["retry"]>;
    breaker?: Partial<Settings["breaker"]>;
    stream?: Partial<Settings["stream"]>;
    failoverOnContentPolicy?: boolean;
  } = {},
): Settings {
  const base = defaultSettings();
  return {
    timeout: { ...base.timeout, connectMs: 100, firstTokenMs: 100, idleMs: 100, totalMs: 2000, ...over.timeout },
    retry: {
      ...base.retry,
      attempts: 1,
      maxPerRequest: 6,
      backoffBaseMs: 10,
      backoffMaxMs: 40,
      jitter: 0,
      retryAfterCapMs: 100,
      ...over.retry,
    },
    breaker: { ...base.breaker, failures: 100, cooldownMs: 100, ...over.breaker },
    stream: { onBreak: "continue", toolCalls: "hold", ...over.stream },
    failoverOnContentPolicy: over.failoverOnContentPolicy ?? false,
  };
}

export interface RigModel {
  name: string;
  upstream: MockUpstream;
  extra?: Partial<ModelNode>;
}

export interface Rig {
  url: string;
  gateway: Gateway;
  logs: string[];
  /** Resolves with the first request log line, parsed, that is or will be written. */
  requestLogged(): Promise<Record<string, any>>;
  stop(): void;
  chat(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
}

/** One provider per model so provider-wide breakers never couple the mocks. */
export function faultGraph(models: RigModel[], settings: Settings, routeModels = models.map((m) => m.name)): Graph {
  const providers: ProviderNode[] = models.map((m) => ({
    name: `p_${m.name}`,
    kind: "openai",
    baseUrl: m.upstream.url,
    keyEnv: "UPSTREAM_KEY",
    headers: {},
    sim: null,
    limits: [],
  }));
  const nodes = models.map((m) => model(m.name, `p_${m.name}`, { upstream: `${m.name}-up`, ...m.extra }));
  const route = chainRoute("r", routeModels, settings);
  route.rules[0].target = {
    kind: "chain",
    candidates: routeModels.map((name) => {
      const node = nodes.find((n) => n.name === name)!;
      return { model: name, provider: node.provider, caps: node.caps, contextWindow: node.contextWindow, weight: 1 };
    }),
  };
  return {
    version: 1,
    sources: ["fault.route"],
    gateway: {
      clientKeyEnvs: [],
      adminTokenEnv: "ADMIN",
      metricsTokenEnv: null,
      maxBodyBytes: 1_000_000,
      directModels: false,
    },
    providers,
    models: nodes,
    routes: [route],
  };
}

/** `env` overrides the secrets the rig serves (UPSTREAM_KEY for every provider, ADMIN for /admin); `clock` the real one. */
export function startRig(graph: Graph, env: Record<string, string> = {}, clock: Clock = new SystemClock()): Rig {
  const logs: string[] = [];
  const values: Record<string, string> = { UPSTREAM_KEY, ADMIN: "adm", ...env };
  const secrets = { get: (n: string) => values[n] };
  const waiting: ((line: Record<string, any>) => void)[] = [];
  const onLog = (line: string): void => {
    logs.push(line);
    const parsed = JSON.parse(line) as Record<string, any>;
    if (parsed.event === "request") for (const resolve of waiting.splice(0)) resolve(parsed);
  };
  const gateway = createGateway({
    graph,
    ports: { clock, random: systemRandom, transport: createNetworkTransport(), secrets },
    adapters: defaultAdapters(),
    log: onLog,
  });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: (req) => gateway.fetch(req) });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    gateway,
    logs,
    requestLogged: () => {
      const written = logs.map((l) => JSON.parse(l)).find((l) => l.event === "request");
      return written ? Promise.resolve(written) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () => void server.stop(true),
    chat: (body, headers = {}) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ model: "r", messages: [{ role: "user", content: "hello there" }], ...body }),
      }),
  };
}

/** The `data:` payloads of an SSE body, parsed (except `[DONE]`). */
export function sseData(text: string): (Record<string, any> | "[DONE]")[] {
  return text
    .split("\n\n")
    .filter((f) => f.startsWith("data: "))
    .map((f) => f.slice(6))
    .map((d) => (d === "[DONE]" ? "[DONE]" : JSON.parse(d)));
}

export function streamedText(frames: ReturnType<typeof sseData>): string {
  return frames.map((f) => (f === "[DONE]" ? "" : (f.choices?.[0]?.delta?.content ?? ""))).join("");
}

export function lastLog(rig: Rig): Record<string, any> {
  const requests = rig.logs.map((l) => JSON.parse(l)).filter((l) => l.event === "request");
  return requests.at(-1);
}

/** Returns `track`: whatever a test tracks (mock upstreams, rigs) is stopped after that test. */
export function stopAfterEach(): <T extends { stop(): void }>(x: T) => T {
  const live: { stop(): void }[] = [];
  afterEach(() => {
    for (const c of live.splice(0)) c.stop();
  });
  return (x) => {
    live.push(x);
    return x;
  };
}
